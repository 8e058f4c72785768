namespace Sequin.Sinks.Stdout;

/// <summary>The <c>destination:</c> keys of a <c>stdout</c> sink.</summary>
public sealed class StdoutSinkOptions
{
    /// <summary>The value of <see cref="Path"/> that means standard output.</summary>
    public const string StandardOutput = "-";

    /// <summary>Where messages go: <c>-</c> for standard output, otherwise a file that JSON lines are appended to.</summary>
    [SinkOption("'-' for standard output, or a file that JSON lines are appended to (created if missing).", MaxLength = 4096)]
    public string Path { get; set; } = StandardOutput;

    /// <summary>Whether each message is written indented over several lines instead of one line.</summary>
    [SinkOption("Write each message indented over several lines instead of one JSON line.")]
    public bool Pretty { get; set; }
}
