using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using Sequin.Configuration;
using Sequin.Diagnostics;

namespace Sequin.Hosting.AspNetCore.Metrics;

/// <summary>Pushes the <c>Sequin.Core</c> meter to an OTLP collector, as <c>metrics.otlp</c> in <c>sequin.yaml</c> says.</summary>
internal static class SequinOtlpExport
{
    /// <summary>Adds a meter provider to the host's services that exports to <paramref name="otlp"/> every interval.</summary>
    public static IServiceCollection AddSequinOtlpExport(this IServiceCollection services, OtlpConfig otlp)
    {
        ArgumentNullException.ThrowIfNull(otlp);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SequinMetrics.MeterName)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = otlp.Endpoint;
                exporter.Protocol = otlp.Protocol == OtlpConfig.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)otlp.Interval.TotalMilliseconds;
            }));
        return services;
    }
}
