using Microsoft.Extensions.DependencyInjection.Extensions;
using Sequin.Configuration;
using Sequin.Sinks;

// Entry points live in the DI namespace so that `services.AddSinkPlugin<T>()` needs no extra using (STYLE.md §4, 2).
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers sink plugins in code, for applications that embed Sequin instead of using a plugins folder.</summary>
public static class SinkPluginServiceCollectionExtensions
{
    /// <summary>
    /// Registers the sink plugin <typeparamref name="TPlugin"/> (once, however often this is called) and an
    /// <see cref="ISinkPluginCatalog"/> over every registered plugin, unless a catalog is already registered.
    /// </summary>
    /// <typeparam name="TPlugin">The plugin class; it needs a public parameterless constructor.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddSinkPlugin<TPlugin>(this IServiceCollection services)
        where TPlugin : class, ISinkPlugin, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISinkPlugin, TPlugin>());
        return AddCatalog(services);
    }

    /// <summary>
    /// Registers a sink plugin instance (once per plugin class) and an <see cref="ISinkPluginCatalog"/> over every
    /// registered plugin, unless a catalog is already registered.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="plugin">The plugin.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddSinkPlugin(this IServiceCollection services, ISinkPlugin plugin)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(plugin);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISinkPlugin>(plugin));
        return AddCatalog(services);
    }

    private static IServiceCollection AddCatalog(IServiceCollection services)
    {
        services.TryAddSingleton<ISinkPluginCatalog>(sp => new SinkPluginCatalog(sp.GetServices<ISinkPlugin>()));
        return services;
    }
}
