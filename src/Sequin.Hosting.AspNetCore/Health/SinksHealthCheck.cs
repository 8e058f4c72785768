using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sequin.Configuration;

namespace Sequin.Hosting.AspNetCore.Health;

/// <summary>
/// Unhealthy when a sink has failed without delivering anything for longer than <see cref="HealthConfig.SinkFailing"/>;
/// degraded (still 200) while a sink has parked messages or failing deliveries being retried; healthy otherwise.
/// </summary>
internal sealed class SinksHealthCheck(SequinServices services) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.Runtime is not { } runtime)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The Sequin runtime is not registered."));
        }

        var limit = (services.Config?.Health ?? HealthConfig.Default).SinkFailing;
        var stuck = runtime.Consumers
            .Where(c => c.FailingFor is { } failing && failing > limit)
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name}: failing for {c.FailingFor!.Value.TotalSeconds:0} s (health.sink_failing_ms)"))
            .ToList();
        if (stuck.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(string.Join("; ", stuck)));
        }

        // Parked or retried messages: still ready (200), but not plainly healthy.
        var degraded = runtime.Consumers.Where(c => c.DegradedReason is not null).Select(c => $"{c.Name}: {c.DegradedReason}").ToList();
        return Task.FromResult(degraded.Count == 0
            ? HealthCheckResult.Healthy($"{runtime.Consumers.Count} sinks delivering.")
            : HealthCheckResult.Degraded(string.Join("; ", degraded)));
    }
}
