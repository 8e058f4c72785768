using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sequin.Configuration;
using Sequin.Hosting.AspNetCore;
using Sequin.Hosting.AspNetCore.Api;

// Entry points live in the DI namespace so that `services.AddSequinHttp()` needs no extra using (STYLE.md §4, 2).
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the services of Sequin's HTTP endpoints (embedding: one call next to <c>AddSequin</c>).</summary>
public static class SequinHttpServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <c>app.MapSequin()</c> needs: the management API's services, the OpenAPI description, and the
    /// security options (bearer token). Call it after <c>services.AddSequin(...)</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the token, or null (then <c>http.token</c>, then <c>SEQUIN_HTTP_TOKEN</c>).</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddSequinHttp(this IServiceCollection services, Action<SequinHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SequinHttpOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<SequinHttpOptions>, SequinHttpTokenDefaults>());
        services.TryAddSingleton(sp => new SequinServices(sp));
        services.TryAddSingleton(sp => new Sequin.Hosting.AspNetCore.Security.FailedSignInThrottle(sp.GetService<TimeProvider>() ?? TimeProvider.System));

        // Each part adds its own services: the management API (Api/), health checks (Health/), metrics (Metrics/).
        SequinApiEndpoints.AddServices(services);
        Sequin.Hosting.AspNetCore.Health.SequinHealthEndpoints.AddServices(services);
        Sequin.Hosting.AspNetCore.Metrics.SequinMetricsEndpoints.AddServices(services);
        return services;
    }
}
