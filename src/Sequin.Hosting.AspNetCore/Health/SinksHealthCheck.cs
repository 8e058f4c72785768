using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sequin.Configuration;
using Sequin.Hosting.AspNetCore.Api;

namespace Sequin.Hosting.AspNetCore.Health;

/// <summary>
/// Each configured sink's health (<see cref="SinkHealthRules"/>) in the report's <c>sinks</c> details. Unhealthy when a
/// sink is in state <c>error</c> (its slot failed, or it has failed without delivering anything for longer than
/// <see cref="HealthConfig.SinkFailing"/>); degraded (still 200) while a sink is in state <c>warning</c> (parked
/// messages, failing deliveries being retried, lag over the warning thresholds) or <c>paused</c> by an operator; healthy
/// otherwise.
/// </summary>
internal sealed class SinksHealthCheck(SequinServices services) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.Runtime is null || services.Config is not { } config)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The Sequin runtime is not registered."));
        }

        var consumers = SinkViews.Consumers(services);
        var health = config.Sinks.Select(s => (Sink: s, Health: SinkViews.Health(services, s, consumers.GetValueOrDefault(s.Name)))).ToList();
        var data = health.ToDictionary(h => h.Sink.Name, h => (object)$"{h.Health.State}: {h.Health.Reason}", StringComparer.Ordinal);
        var errors = Describe(health, SinkHealthRules.Error);
        if (errors.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(string.Join("; ", errors), data: data));
        }

        // Warnings and operator pauses: still ready (200), but not plainly healthy.
        var notPlain = Describe(health, SinkHealthRules.Warning).Concat(health.Where(h => h.Sink.Status == SinkStatus.Active && h.Health.State == SinkHealthRules.Paused).Select(h => $"{h.Sink.Name}: {h.Health.Reason}")).ToList();
        return Task.FromResult(notPlain.Count == 0
            ? HealthCheckResult.Healthy($"{consumers.Count} sinks delivering.", data)
            : HealthCheckResult.Degraded(string.Join("; ", notPlain), data: data));
    }

    private static List<string> Describe(List<(SinkConfig Sink, SinkHealth Health)> health, string state) =>
        [.. health.Where(h => h.Health.State == state).Select(h => $"{h.Sink.Name}: {h.Health.Reason}")];
}
