using System.Globalization;
using Sequin.Configuration;
using Sequin.Diagnostics;
using Sequin.Pipeline;

namespace Sequin.Hosting.AspNetCore.Health;

/// <summary>
/// A sink's health (docs/reference/http-api.md, "Sink health"): <see cref="State"/> is one of
/// <see cref="SinkHealthRules.States"/>, <see cref="Reason"/> says why in words. The API, the readiness check's
/// details, the <c>sequin.sink.health</c> gauge and the console all show this one evaluation.
/// </summary>
/// <param name="State"><c>healthy</c>, <c>warning</c>, <c>error</c> or <c>paused</c>.</param>
/// <param name="Reason">Why, e.g. <c>3 parked message(s) in sequin_state.parked_messages</c>.</param>
internal sealed record SinkHealth(string State, string Reason);

/// <summary>The lag of a sink's database, raw and humanised.</summary>
/// <param name="Bytes">WAL bytes received but not yet confirmed as delivered by every sink of the database.</param>
/// <param name="Seconds">Age of the oldest change not yet delivered by every sink of the database.</param>
/// <param name="Text">Both, humanised: <c>12 s · 1.5 MiB</c>.</param>
internal sealed record LagView(long Bytes, double Seconds, string Text)
{
    public static LagView Of(ReplicationStatus database) =>
        new(database.LagBytes, database.LagTime.TotalSeconds, Humanized.Duration(database.LagTime) + " · " + Humanized.Bytes(database.LagBytes));
}

/// <summary>How a sink's health is decided from its configuration, its consumer and its database's replication.</summary>
internal static class SinkHealthRules
{
    public const string Healthy = "healthy";
    public const string Warning = "warning";
    public const string Error = "error";
    public const string Paused = "paused";

    /// <summary>Every state, in the order of the gauge's series.</summary>
    public static readonly IReadOnlyList<string> States = [Healthy, Warning, Error, Paused];

    /// <summary>
    /// In order: not active in the configuration or paused by an operator: <c>paused</c>; the database's slot failed, or
    /// deliveries failing without a delivery for longer than <c>health.sink_failing_ms</c>: <c>error</c>; parked
    /// messages, deliveries being retried, lag over <c>health.warn_lag_ms</c> or <c>health.warn_lag_bytes</c>, not
    /// started yet or replication not connected: <c>warning</c>; otherwise <c>healthy</c>.
    /// </summary>
    public static SinkHealth Of(SinkConfig sink, SinkConsumer? consumer, ReplicationStatus? database, HealthConfig limits)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(limits);
        if (sink.Status != SinkStatus.Active)
        {
            return new(Paused, $"status {sink.Status.ToString().ToLowerInvariant()} in sequin.yaml: nothing is delivered");
        }

        if (database?.SlotFailure is { } slotFailure)
        {
            return new(Error, slotFailure);
        }

        if (consumer is null)
        {
            return database is { IsStandby: true }
                ? new(Healthy, "standby: another host holds the database's leader lock and delivers")
                : new(Warning, "not running yet (starting)");
        }

        if (consumer.IsPaused)
        {
            return new(Paused, string.Create(CultureInfo.InvariantCulture, $"paused by an operator; {consumer.BufferedMessages} message(s) held until resumed"));
        }

        var lastError = consumer.RecentErrors.OrderByDescending(e => e.LastAt).FirstOrDefault()?.Error;
        if (consumer.FailingFor is { } failing && failing > limits.SinkFailing)
        {
            return new(Error, $"failing for {Humanized.Duration(failing)} without a delivery (health.sink_failing_ms {Humanized.Duration(limits.SinkFailing)})" + (lastError is null ? string.Empty : $": {lastError}"));
        }

        var warnings = new List<string>(3);
        if (consumer.DegradedReason is { } degraded)
        {
            warnings.Add(degraded);
        }

        if (database is not null)
        {
            if (!database.Connected && database.IsLeader)
            {
                warnings.Add("replication is not connected");
            }

            if (limits.WarnLagTime > TimeSpan.Zero && database.LagTime >= limits.WarnLagTime)
            {
                warnings.Add($"lag {Humanized.Duration(database.LagTime)} (health.warn_lag_ms {Humanized.Duration(limits.WarnLagTime)})");
            }

            if (limits.WarnLagBytes > 0 && database.LagBytes >= limits.WarnLagBytes)
            {
                warnings.Add($"lag {Humanized.Bytes(database.LagBytes)} (health.warn_lag_bytes {Humanized.Bytes(limits.WarnLagBytes)})");
            }
        }

        return warnings.Count == 0 ? new(Healthy, "delivering") : new(Warning, string.Join("; ", warnings));
    }
}
