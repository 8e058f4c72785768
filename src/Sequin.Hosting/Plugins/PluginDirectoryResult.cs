using Sequin.Configuration;
using Sequin.Sinks;

namespace Sequin.Hosting.Plugins;

/// <summary>What a scan of the plugins folder found.</summary>
/// <param name="Plugins">The plugins that loaded, each with the assembly file it came from.</param>
/// <param name="Failures">The plugins that did not, each with the reason.</param>
public sealed record PluginDirectoryResult(IReadOnlyList<LoadedSinkPlugin> Plugins, IReadOnlyList<SinkPluginLoadFailure> Failures);
