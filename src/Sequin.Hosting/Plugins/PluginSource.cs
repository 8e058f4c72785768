namespace Sequin.Hosting.Plugins;

/// <summary>A folder searched for sink plugins, and why it is searched (shown by <c>sequin plugins</c>).</summary>
/// <param name="Path">The folder; a relative path is resolved from the current directory.</param>
/// <param name="Origin">Where the folder comes from, e.g. <c>shipped with the tool</c>, <c>--plugins-dir</c>.</param>
internal sealed record PluginSource(string Path, string Origin);
