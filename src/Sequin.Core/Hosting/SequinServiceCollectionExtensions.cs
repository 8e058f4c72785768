using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sequin.Configuration;
using Sequin.Diagnostics;
using Sequin.Hosting;

// Entry points live in the DI namespace so that `services.AddSequin(...)` needs no extra using (STYLE.md §4, 2).
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Sequin runtime to an application's services (embedding).</summary>
public static class SequinServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Sequin runtime for the configuration in <paramref name="configuration"/> (the shape of
    /// <c>sequin.yaml</c>: <c>databases</c>, <c>functions</c>, <c>sinks</c>), run as a hosted service. Register the sink
    /// types first with <c>services.AddSinkPlugin&lt;T&gt;()</c> (or register an <see cref="ISinkPluginCatalog"/>).
    /// The configuration is validated when the runtime is first resolved; an invalid one throws
    /// <see cref="SequinConfigurationException"/> listing every error with its key path.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <c>databases</c>, <c>functions</c> and <c>sinks</c>.</param>
    /// <param name="configure">Shutdown and replication overrides, or null.</param>
    /// <returns><paramref name="services"/>.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their second parameter, so no call is ambiguous.")]
    public static IServiceCollection AddSequin(this IServiceCollection services, IConfiguration configuration, Action<SequinRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(sp =>
        {
            var catalog = sp.GetService<ISinkPluginCatalog>()
                ?? throw new InvalidOperationException("No sink types are registered: call services.AddSinkPlugin<T>() for each sink type before AddSequin.");
            var result = SequinConfigLoader.Load(configuration, catalog, AppContext.BaseDirectory);
            return result.IsValid ? result.Config! : throw new SequinConfigurationException(result.Errors);
        });
        return AddRuntime(services, configure);
    }

    /// <summary>Adds the Sequin runtime for an already loaded <paramref name="config"/>, run as a hosted service.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="config">The validated configuration (see <see cref="SequinConfigLoader"/>).</param>
    /// <param name="configure">Shutdown and replication overrides, or null.</param>
    /// <returns><paramref name="services"/>.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their second parameter, so no call is ambiguous.")]
    public static IServiceCollection AddSequin(this IServiceCollection services, SequinConfig config, Action<SequinRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(config);
        services.TryAddSingleton(config);
        return AddRuntime(services, configure);
    }

    private static IServiceCollection AddRuntime(IServiceCollection services, Action<SequinRuntimeOptions>? configure)
    {
        var options = new SequinRuntimeOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SequinMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(sp => new SequinRuntime(
            sp.GetRequiredService<SequinConfig>(),
            sp,
            sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<SequinMetrics>(),
            options));
        services.TryAddSingleton(sp => new SequinHostedService(sp.GetRequiredService<SequinRuntime>(), sp.GetService<IHostApplicationLifetime>()));
        services.AddHostedService(sp => sp.GetRequiredService<SequinHostedService>());
        return services;
    }
}
