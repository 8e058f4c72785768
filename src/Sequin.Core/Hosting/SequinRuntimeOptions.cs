namespace Sequin.Hosting;

/// <summary>How the runtime stops: the time given to in-flight batches after reading stops.</summary>
public sealed class SequinRuntimeOptions
{
    /// <summary>
    /// How long stopping waits for batches already taken to be delivered before abandoning them (they stay
    /// un-acknowledged and are read again after a restart). Default: 10 seconds.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Overrides applied to every database's <see cref="Replication.ReplicationSourceOptions"/> (status and heartbeat
    /// intervals, reconnect delays) after they are built from the configuration; null keeps the defaults.
    /// </summary>
    public Action<Replication.ReplicationSourceOptions>? ConfigureReplication { get; set; }

    /// <summary>How backfills page and pace themselves (internal: tests shorten the intervals).</summary>
    internal Backfills.BackfillOptions Backfills { get; set; } = new();
}
