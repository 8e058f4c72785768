using Microsoft.Extensions.DependencyInjection;
using Sequin.Configuration;
using Sequin.Sinks;

namespace Sequin.Host.Cli;

/// <summary>What the <c>sequin</c> command line is built with.</summary>
internal sealed class SequinCliOptions
{
    /// <summary>The plugins folder shipped with the tool, searched first (<see cref="PluginSources"/>). Default: <c>plugins/</c> next to the executable.</summary>
    public string DefaultPluginsDirectory { get; init; } = Sequin.Hosting.Plugins.PluginDirectory.DefaultPath;

    /// <summary>Plugins registered in code; they take precedence over the plugins folder. Default: none.</summary>
    public IReadOnlyList<ISinkPlugin> RegisteredPlugins { get; init; } = [];

    /// <summary>Looks up <c>${VAR}</c> references in <c>sequin.yaml</c>, <c>SEQUIN_PLUGINS_DIR</c> and the variables of the user plugins folder. Default: the process environment.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>
    /// The single extension point of <c>sequin run</c>: registers the runtime's services (replication source, consumers,
    /// hosted services) on the generic host, given the validated configuration and the plugin catalog. Null: <c>run</c>
    /// reports that no runtime is wired and exits with 1.
    /// </summary>
    public Action<IServiceCollection, SequinConfig, ISinkPluginCatalog>? ConfigureRunServices { get; init; }
}
