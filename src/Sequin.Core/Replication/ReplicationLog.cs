using Microsoft.Extensions.Logging;
using NpgsqlTypes;

namespace Sequin.Replication;

/// <summary>Log messages of the replication source (event ids 1100-1199).</summary>
internal static partial class ReplicationLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Replication started on slot {Slot} (publication {Publication}), from confirmed position {Lsn}")]
    public static partial void Started(ILogger logger, string slot, string publication, NpgsqlLogSequenceNumber lsn);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Replication connection for slot {Slot} lost ({Reason}); reconnecting in {DelayMs} ms (attempt {Attempt})")]
    public static partial void ConnectionLost(ILogger logger, string slot, string reason, long delayMs, int attempt);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Warning, Message = "Replication slot {Slot} is in use by another process ({Reason}); only one process may read a slot (is another Sequin host running with it?). Retrying in {DelayMs} ms (attempt {Attempt})")]
    public static partial void SlotInUse(ILogger logger, string slot, string reason, long delayMs, int attempt);

    [LoggerMessage(EventId = 1114, Level = LogLevel.Debug, Message = "Replication connection for slot {Slot} failed with")]
    public static partial void ConnectionLostDetail(ILogger logger, Exception exception, string slot);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Created publication {Publication}: {Sql}")]
    public static partial void PublicationCreated(ILogger logger, string publication, string sql);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Created logical replication slot {Slot} (pgoutput)")]
    public static partial void SlotCreated(ILogger logger, string slot);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Transaction annotations in transaction {Xid} are not valid JSON; annotations set to null: {Error}")]
    public static partial void InvalidAnnotations(ILogger logger, uint xid, string error);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Heartbeat on slot {Slot} failed ({Reason}); the next one is tried at the next interval")]
    public static partial void HeartbeatFailed(ILogger logger, string slot, string reason);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Debug, Message = "Confirmed position {Lsn} reported for slot {Slot}")]
    public static partial void StatusSent(ILogger logger, NpgsqlLogSequenceNumber lsn, string slot);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Debug, Message = "Relation {Relation} ({Oid}) described with {Columns} columns")]
    public static partial void RelationReceived(ILogger logger, string relation, uint oid, int columns);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "Replication stream for slot {Slot} ended by the server; reconnecting")]
    public static partial void StreamEnded(ILogger logger, string slot);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Debug, Message = "Heartbeat received on slot {Slot} at {Lsn}")]
    public static partial void HeartbeatReceived(ILogger logger, string slot, NpgsqlLogSequenceNumber lsn);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Status update for slot {Slot} failed ({Reason}); the next one is tried at the next interval")]
    public static partial void StatusFailed(ILogger logger, string slot, string reason);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Replication on slot {Slot} stopped")]
    public static partial void Stopped(ILogger logger, string slot);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Warning, Message = "Could not record the use of slot {Slot} in {Table} ({Reason}); if the slot is dropped while no host runs, it is not recognised as dropped on the next start")]
    public static partial void SlotMarkerUnavailable(ILogger logger, string slot, string table, string reason);

    [LoggerMessage(EventId = 1120, Level = LogLevel.Warning, Message = "Slot {Slot}: PostgreSQL keeps WAL for undelivered changes: {LagBytes} bytes received but not acknowledged (warning at {LagThreshold}), oldest undelivered change committed {Age} ago (warning at {AgeThreshold}). A message that keeps failing, or a stalled sink, holds the slot back; see docs/reference/failures.md")]
    public static partial void WalRetained(ILogger logger, string slot, long lagBytes, long lagThreshold, TimeSpan age, TimeSpan ageThreshold);

    [LoggerMessage(EventId = 1121, Level = LogLevel.Information, Message = "Slot {Slot}: retained WAL back under the warning thresholds ({LagBytes} bytes unacknowledged)")]
    public static partial void WalRetentionRecovered(ILogger logger, string slot, long lagBytes);

    [LoggerMessage(EventId = 1115, Level = LogLevel.Warning, Message = "PostgreSQL {Major} has no FOR TABLES IN SCHEMA (15+): publication {Publication} lists the {Count} tables schema public holds now. Add tables created later with ALTER PUBLICATION ... ADD TABLE, or set publication.tables")]
    public static partial void PublicationListsTablesBefore15(ILogger logger, string publication, int major, int count);
}
