using Sequin.Sinks;

namespace Acme.Sequin.JsonFiles;

/// <summary>The fields of a <c>jsonfiles</c> destination: the base class parses, checks and reports them by key path.</summary>
internal sealed class JsonFilesSinkSchema : SinkSchema<JsonFilesSinkOptions>
{
    public JsonFilesSinkSchema() =>
        AddString(
            new SinkField("directory", SinkFieldType.Text, "The folder the JSON-lines files are written in (created if missing).") { Required = true, MaxLength = 4096 },
            o => o.Directory,
            (o, v) => o.Directory = v);
}
