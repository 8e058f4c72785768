using Sequin.Sinks;

namespace Acme.Sequin.JsonFiles;

/// <summary>The <c>destination:</c> keys of a <c>jsonfiles</c> sink.</summary>
public sealed class JsonFilesSinkOptions
{
    /// <summary>The folder the JSON-lines files are written in (created if missing).</summary>
    [SinkOption("The folder the JSON-lines files are written in (created if missing).", Required = true, MaxLength = 4096)]
    public string Directory { get; set; } = string.Empty;
}
