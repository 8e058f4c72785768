namespace Sequin.Sinks.Stdout;

/// <summary>The fields of a <c>stdout</c> destination.</summary>
internal sealed class StdoutSinkSchema : SinkSchema<StdoutSinkOptions>
{
    public StdoutSinkSchema()
    {
        AddString(
            new SinkField("path", SinkFieldType.Text, "'-' for standard output, or a file that JSON lines are appended to (created if missing).")
            {
                DefaultValue = StdoutSinkOptions.StandardOutput,
                MaxLength = 4096,
            },
            o => o.Path,
            (o, v) => o.Path = v);
        AddBoolean(
            new SinkField("pretty", SinkFieldType.Boolean, "Write each message indented over several lines instead of one JSON line.")
            {
                DefaultValue = "false",
            },
            o => o.Pretty,
            (o, v) => o.Pretty = v);
    }
}
