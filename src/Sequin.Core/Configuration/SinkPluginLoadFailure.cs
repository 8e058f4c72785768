namespace Sequin.Configuration;

/// <summary>A sink plugin that could not be used, and why.</summary>
/// <param name="Source">Where it came from: the plugin's folder or assembly path, or the registered type's name.</param>
/// <param name="Reason">What went wrong (bad image, missing dependency, throwing constructor, duplicate type name).</param>
public sealed record SinkPluginLoadFailure(string Source, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Source}: {Reason}";
}
