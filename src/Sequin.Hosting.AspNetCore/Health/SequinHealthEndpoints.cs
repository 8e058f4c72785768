using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sequin.Hosting.AspNetCore.Health;

/// <summary>
/// Liveness and readiness on Microsoft.Extensions.Diagnostics.HealthChecks: <c>GET /health/live</c> answers 200 while
/// the process serves requests (no check runs); <c>GET /health/ready</c> runs the checks tagged <see cref="ReadyTag"/>
/// (replication, sinks, plugins) and answers 200 (Healthy) or 503 (Unhealthy) with each check's status and description as JSON (<see cref="HealthReportWriter"/>).
/// </summary>
internal static class SequinHealthEndpoints
{
    /// <summary>The tag of the readiness checks.</summary>
    public const string ReadyTag = "sequin-ready";

    /// <summary>Registers the health check services and Sequin's readiness checks.</summary>
    public static void AddServices(IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<PluginsHealthCheck>("sequin-plugins", tags: [ReadyTag])
            .AddCheck<ReplicationHealthCheck>("sequin-replication", tags: [ReadyTag])
            .AddCheck<SinksHealthCheck>("sequin-sinks", tags: [ReadyTag]);
    }

    /// <summary>Maps <c>/health/live</c> and <c>/health/ready</c> on <paramref name="group"/>.</summary>
    public static void Map(IEndpointRouteBuilder group)
    {
        group.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportWriter.WriteAsync });
        group.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthReportWriter.WriteAsync });
    }
}
