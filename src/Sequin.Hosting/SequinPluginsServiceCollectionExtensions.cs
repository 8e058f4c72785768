using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Sequin.Configuration;
using Sequin.Hosting.Plugins;
using Sequin.Sinks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a plugins folder of sink plugins, as the <c>sequin</c> host's <c>plugins/</c> folder.</summary>
public static class SequinPluginsServiceCollectionExtensions
{
    /// <summary>
    /// Makes the sink plugins in <paramref name="folder"/> (one <c>dotnet publish</c> output per subfolder,
    /// <c>&lt;folder&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c>) available to <c>services.AddSequin(...)</c>, next to plugins
    /// registered in code with <c>AddSinkPlugin</c>, which win over a folder plugin of the same type name. The folders
    /// are loaded when the <see cref="ISinkPluginCatalog"/> is first resolved; a plugin that fails to load is logged
    /// (event 5002) and listed in <see cref="ISinkPluginCatalog.Failures"/>, and the others still load. Calling it
    /// again with another folder adds that folder; with the same folder, does nothing.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="folder">The plugins folder; a relative path is resolved from the current directory now. A missing folder holds no plugins.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddSequinPlugins(this IServiceCollection services, string folder)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var full = Path.GetFullPath(folder);
        if (!services.Any(d => d.ServiceType == typeof(SequinPluginFolder) && d.ImplementationInstance is SequinPluginFolder f && f.Path == full))
        {
            services.AddSingleton(new SequinPluginFolder(full));
        }

        // Replaces the catalog AddSinkPlugin registers (plugins in code only) with one that adds the folders' plugins.
        services.Replace(ServiceDescriptor.Singleton<ISinkPluginCatalog>(CreateCatalog));
        return services;
    }

    private static SinkPluginCatalog CreateCatalog(IServiceProvider services)
    {
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Sequin.Hosting.Plugins");
        var plugins = new List<ISinkPlugin>(services.GetServices<ISinkPlugin>());
        var failures = new List<SinkPluginLoadFailure>();
        foreach (var folder in services.GetServices<SequinPluginFolder>())
        {
            var result = PluginDirectory.Load(folder.Path, logger);
            plugins.AddRange(result.Plugins.Select(p => p.Plugin));
            failures.AddRange(result.Failures);
        }

        return new SinkPluginCatalog(plugins, failures);
    }
}
