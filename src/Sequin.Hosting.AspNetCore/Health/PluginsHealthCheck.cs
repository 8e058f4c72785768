using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Sequin.Hosting.AspNetCore.Health;

/// <summary>Healthy once the runtime has created a consumer (its sink plugin loaded and its client built) for every active sink.</summary>
internal sealed class PluginsHealthCheck(SequinServices services) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.Runtime is not { } runtime)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The Sequin runtime is not registered."));
        }

        var running = runtime.Consumers.Count;
        var expected = runtime.ActiveSinkCount;
        return Task.FromResult(running >= expected
            ? HealthCheckResult.Healthy($"{running} of {expected} sinks loaded.")
            : HealthCheckResult.Unhealthy($"{running} of {expected} sinks loaded."));
    }
}
