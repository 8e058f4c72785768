namespace Sequin.Configuration;

/// <summary>
/// How hosts that run the same configuration share a database (<c>databases[].leader_lock</c>;
/// docs/how-to/run-highly-available.md): the host that holds the database's advisory lock leads (reads the slot,
/// delivers, runs backfills); the others stand by and try the lock every <paramref name="RetryInterval"/>. The leader
/// checks its lock connection every <paramref name="CheckInterval"/> and stops reading and delivering when it is gone.
/// </summary>
/// <param name="RetryInterval">How often a standby tries the lock (<c>retry_interval_ms</c>). Default: 2 s.</param>
/// <param name="CheckInterval">How often the leader checks its lock connection (<c>check_interval_ms</c>). Default: 1 s.</param>
public sealed record LeaderLockConfig(TimeSpan RetryInterval, TimeSpan CheckInterval)
{
    /// <summary>The defaults: a standby tries every 2 s, the leader checks every 1 s.</summary>
    public static LeaderLockConfig Default { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));

    /// <summary>
    /// How long one check of the lock connection may take before the leader counts the connection as lost: the check
    /// interval, at least 10 s. A session that was ended fails its check at once; this bounds only a connection that
    /// went silent. It is generous because a check that times out breaks the connection and so really gives the lock
    /// up: a leader on a loaded machine whose <c>SELECT 1</c> took 2 s once stopped every sink and re-delivered since its
    /// last acknowledgement for nothing. Waiting longer is safe: the slot, not the timing, keeps two hosts from
    /// delivering at once (a standby cannot read the slot while the silent leader's replication connection holds it).
    /// </summary>
    public TimeSpan CheckTimeout => CheckInterval > MinCheckTimeout ? CheckInterval : MinCheckTimeout;

    /// <summary>The shortest <see cref="CheckTimeout"/>: 10 s.</summary>
    private static readonly TimeSpan MinCheckTimeout = TimeSpan.FromSeconds(10);
}
