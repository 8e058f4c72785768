using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sequin.Configuration;

namespace Sequin.Hosting.AspNetCore.Health;

/// <summary>
/// Healthy when every database with sinks is streaming, received a message (change or heartbeat) within
/// <see cref="HealthConfig.MessageTimeout"/>, and lags less than <see cref="HealthConfig.MaxLagBytes"/> and
/// <see cref="HealthConfig.MaxLagTime"/>. Reads the state the replication keeps; no query per probe. A host that stands
/// by for a database (another host holds its leader lock) is not ready: its report says <c>standby</c>, so that a
/// readiness probe or a load balancer sees which host leads.
/// </summary>
internal sealed class ReplicationHealthCheck(SequinServices services) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.Runtime is not { } runtime)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The Sequin runtime is not registered."));
        }

        var limits = services.Config?.Health ?? HealthConfig.Default;
        var databases = runtime.Replication;
        if (databases.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("No database is replicating yet."));
        }

        var problems = new List<string>();
        foreach (var database in databases)
        {
            if (Problem(database, limits) is { } problem)
            {
                problems.Add($"{database.Database}: {problem}");
            }
        }

        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"{databases.Count} databases streaming.")
            : HealthCheckResult.Unhealthy(string.Join("; ", problems)));
    }

    private static string? Problem(Diagnostics.ReplicationStatus database, HealthConfig limits)
    {
        if (database.SlotFailure is { } failure)
        {
            return failure;
        }

        if (database.IsStandby)
        {
            return string.Create(CultureInfo.InvariantCulture, $"standby (another host holds leader lock {database.LockKey}; this host takes over when it is released)");
        }

        if (!database.Connected)
        {
            return "replication is not connected";
        }

        if (database.SinceLastMessage is { } quiet && quiet > limits.MessageTimeout)
        {
            return string.Create(CultureInfo.InvariantCulture, $"no message for {quiet.TotalSeconds:0} s (health.message_timeout_ms)");
        }

        if (limits.MaxLagBytes > 0 && database.LagBytes >= limits.MaxLagBytes)
        {
            return string.Create(CultureInfo.InvariantCulture, $"lag {database.LagBytes} bytes (health.max_lag_bytes {limits.MaxLagBytes})");
        }

        if (limits.MaxLagTime > TimeSpan.Zero && database.LagTime >= limits.MaxLagTime)
        {
            return string.Create(CultureInfo.InvariantCulture, $"oldest undelivered change {database.LagTime.TotalSeconds:0} s old (health.max_lag_ms)");
        }

        return null;
    }
}
