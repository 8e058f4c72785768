namespace Sequin.Sinks.Stdout;

/// <summary>The <c>destination:</c> section of a <c>stdout</c> sink.</summary>
public sealed class StdoutSinkOptions
{
    /// <summary>The value of <see cref="Path"/> that means standard output.</summary>
    public const string StandardOutput = "-";

    /// <summary>Where messages go: <c>-</c> for standard output, otherwise a file that JSON lines are appended to. Default: <c>-</c>.</summary>
    public string Path { get; set; } = StandardOutput;

    /// <summary>Whether each message is written indented over several lines instead of one line. Default: false.</summary>
    public bool Pretty { get; set; }
}
