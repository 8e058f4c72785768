namespace Sequin.Configuration;

/// <summary>The logical replication slot of a database (<c>databases[].slot</c>).</summary>
/// <param name="Name">The slot name (<c>name</c>). Required.</param>
/// <param name="CreateIfNotExists">Whether the host creates the slot (pgoutput) when missing (<c>create_if_not_exists</c>). Default: false.</param>
public sealed record ReplicationSlotConfig(string Name, bool CreateIfNotExists = false)
{
    /// <summary>
    /// Whether the slot is a failover slot (<c>failover</c>, PostgreSQL 17+): created with <c>failover = true</c> so that
    /// standbys running with <c>sync_replication_slots = on</c> keep a copy, and a promoted standby goes on from it.
    /// Default: false.
    /// </summary>
    public bool Failover { get; init; }
}
