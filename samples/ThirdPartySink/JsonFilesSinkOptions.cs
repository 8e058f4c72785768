namespace Acme.Sequin.JsonFiles;

/// <summary>The <c>destination:</c> section of a <c>jsonfiles</c> sink.</summary>
public sealed class JsonFilesSinkOptions
{
    /// <summary>The folder the files are written in (created if missing).</summary>
    public string Directory { get; set; } = string.Empty;
}
