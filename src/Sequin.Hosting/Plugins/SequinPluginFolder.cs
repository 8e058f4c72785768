namespace Sequin.Hosting.Plugins;

/// <summary>A plugins folder registered with <c>services.AddSequinPlugins(folder)</c>.</summary>
/// <param name="Path">The folder's full path.</param>
internal sealed record SequinPluginFolder(string Path);
