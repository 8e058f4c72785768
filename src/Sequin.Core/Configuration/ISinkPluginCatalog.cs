using System.Diagnostics.CodeAnalysis;
using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>The sink plugins a host knows, by <c>destination.type</c> name.</summary>
public interface ISinkPluginCatalog
{
    /// <summary>Every usable plugin, in discovery order (plugins registered in code first, then the plugins folder).</summary>
    IReadOnlyList<ISinkPlugin> Plugins { get; }

    /// <summary>Plugins that could not be used (failed to load, duplicate type names), each with the reason.</summary>
    IReadOnlyList<SinkPluginLoadFailure> Failures { get; }

    /// <summary>Finds the plugin of a sink type (case-insensitive).</summary>
    /// <param name="typeName">The <c>destination.type</c> value, e.g. <c>kafka</c>.</param>
    /// <param name="plugin">The plugin, when found.</param>
    bool TryGetPlugin(string typeName, [NotNullWhen(true)] out ISinkPlugin? plugin);
}
