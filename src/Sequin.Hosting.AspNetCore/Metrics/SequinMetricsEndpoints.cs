using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using Sequin.Diagnostics;

namespace Sequin.Hosting.AspNetCore.Metrics;

/// <summary>
/// The Prometheus scrape endpoint <c>GET /metrics</c>: an OpenTelemetry meter provider that reads the
/// <c>Sequin.Core</c> meter (docs/reference/metrics.md) and the OpenTelemetry Prometheus exporter's text format.
/// </summary>
internal static class SequinMetricsEndpoints
{
    /// <summary>The scrape path.</summary>
    public const string Path = "/metrics";

    /// <summary>Registers the meter provider with the Prometheus exporter.</summary>
    public static void AddServices(IServiceCollection services)
    {
        services.TryAddSingleton(sp => new SinkHealthMetric(sp.GetRequiredService<SequinServices>(), sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SequinMetrics.MeterName)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
    }

    /// <summary>Maps <c>/metrics</c> on <paramref name="group"/>.</summary>
    public static void Map(IEndpointRouteBuilder group)
    {
        // Created now, so that the health gauge exists before the first scrape (and for the OTLP export).
        _ = group.ServiceProvider.GetRequiredService<SinkHealthMetric>();
        group.MapPrometheusScrapingEndpoint(Path);
    }
}
