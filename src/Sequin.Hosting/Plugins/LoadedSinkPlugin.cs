using Sequin.Sinks;

namespace Sequin.Hosting.Plugins;

/// <summary>A plugin loaded from the plugins folder.</summary>
/// <param name="Plugin">The plugin instance.</param>
/// <param name="AssemblyPath">The assembly it came from.</param>
public sealed record LoadedSinkPlugin(ISinkPlugin Plugin, string AssemblyPath);
