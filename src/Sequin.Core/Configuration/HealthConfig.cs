namespace Sequin.Configuration;

/// <summary>
/// The thresholds of the readiness check (<c>health:</c> in <c>sequin.yaml</c>; docs/reference/metrics.md, "Health"):
/// when a database's replication or a sink counts as unhealthy.
/// </summary>
/// <param name="MessageTimeout">
/// A streaming replication connection that has received no message (change, heartbeat, transaction boundary) for this
/// long is unhealthy (<c>message_timeout_ms</c>). Heartbeats come every 15 s on an idle database.
/// </param>
/// <param name="MaxLagBytes">A database whose unconfirmed WAL reaches this many bytes is unhealthy (<c>max_lag_bytes</c>; 0: no limit).</param>
/// <param name="MaxLagTime">A database whose oldest undelivered change is this old is unhealthy (<c>max_lag_ms</c>; zero: no limit).</param>
/// <param name="SinkFailing">A sink that has failed without delivering anything for this long is unhealthy (<c>sink_failing_ms</c>).</param>
public sealed record HealthConfig(TimeSpan MessageTimeout, long MaxLagBytes, TimeSpan MaxLagTime, TimeSpan SinkFailing)
{
    /// <summary>The thresholds when <c>health:</c> is absent: 60 s without a message, 1 GiB of lag, no age limit, 5 minutes of failures.</summary>
    public static HealthConfig Default { get; } = new(TimeSpan.FromSeconds(60), 1L << 30, TimeSpan.Zero, TimeSpan.FromMinutes(5));

    /// <summary>
    /// A sink whose database's oldest undelivered change is this old is in state <c>warning</c> (still ready;
    /// <c>warn_lag_ms</c>; zero: no warning). Default: 60 s.
    /// </summary>
    public TimeSpan WarnLagTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A sink whose database's unconfirmed WAL reaches this many bytes is in state <c>warning</c> (still ready;
    /// <c>warn_lag_bytes</c>; 0: no warning). Default: 100 MiB.
    /// </summary>
    public long WarnLagBytes { get; init; } = 100L << 20;
}
