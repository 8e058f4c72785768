using NpgsqlTypes;

namespace Sequin.Replication;

/// <summary>
/// The errors for a slot that lost changes: one that was dropped (while this host read it, or since a host last used
/// it) or that moved past the last position Sequin acknowledged. Each names the range of changes that may not have
/// been delivered and how to recover; reading never goes on past such a loss silently.
/// </summary>
internal static class SlotLoss
{
    /// <summary>The slot disappeared while this host was reading it.</summary>
    public static InvalidOperationException DroppedWhileReading(string slot, ulong lastAcknowledged, NpgsqlLogSequenceNumber current) =>
        new($"Replication slot '{slot}' was dropped while Sequin was reading it. The changes committed after the last acknowledged "
            + $"position {new NpgsqlLogSequenceNumber(lastAcknowledged)} up to {current} (the current WAL position) "
            + "were not all delivered and the slot that held them is gone; Sequin does not create it again, which would skip them silently. "
            + AcceptLoss(slot));

    /// <summary>The slot is missing, but its durable record shows that a host read it before.</summary>
    public static InvalidOperationException DroppedSinceLastRun(string slot, DateTimeOffset firstUsedAt, ulong? lastAcknowledged, NpgsqlLogSequenceNumber current)
    {
        var from = lastAcknowledged is { } lsn
            ? $"after {new NpgsqlLogSequenceNumber(lsn)} (acknowledged at the last graceful stop) or later"
            : "after the last position Sequin acknowledged (not recorded: the last run did not stop gracefully)";
        return new InvalidOperationException(
            $"Replication slot '{slot}' does not exist, but Sequin has read it since {firstUsedAt:u}: it was dropped. The changes committed "
            + $"{from} up to {current} (the current WAL position) may not have been delivered, and the slot that held them is gone; "
            + "Sequin does not create it again, which would skip them silently. " + AcceptLoss(slot));
    }

    /// <summary>The slot is at a position past anything this host acknowledged: recreated or advanced by someone else.</summary>
    public static InvalidOperationException MovedPastAcknowledged(string slot, ulong confirmed, ulong highestAcknowledged, NpgsqlLogSequenceNumber current)
    {
        var acknowledged = new NpgsqlLogSequenceNumber(highestAcknowledged);
        var at = new NpgsqlLogSequenceNumber(confirmed);
        return new InvalidOperationException(
            $"Replication slot '{slot}' is at {at}, past the last position Sequin acknowledged ({acknowledged}): it was dropped and created "
            + "again, or advanced by someone else, while Sequin was reading it. The changes committed between "
            + $"{acknowledged} and {at} were skipped and not delivered (current WAL position {current}). "
            + "Re-deliver the rows changed in that range from the tables (a backfill) if the sinks need them, then restart Sequin: it reads on from the slot's position.");
    }

    /// <summary>
    /// PostgreSQL invalidated the slot (<paramref name="reason"/> is <c>invalidation_reason</c>, or <c>wal_removed</c> for
    /// <c>wal_status = 'lost'</c> before 17): the WAL it held is gone, and it can never be read again.
    /// </summary>
    public static InvalidOperationException Invalidated(string slot, string reason, ulong confirmed, NpgsqlLogSequenceNumber current) =>
        new($"Replication slot '{slot}' was invalidated by PostgreSQL ({reason}: {ExplainInvalidation(reason)}). It can no longer be read: "
            + $"the changes committed after {new NpgsqlLogSequenceNumber(confirmed)} (its confirmed position) up to {current} (the current WAL position) "
            + $"are lost to it. To recover, drop it (SELECT pg_drop_replication_slot('{slot}')), delete Sequin's record of it "
            + $"(DELETE FROM {SlotMarker.Table} WHERE slot_name = '{slot}') and restart with slot.create_if_not_exists: true (or create it again), "
            + "then backfill the tables so the sinks get the rows changed in the lost range. " + PreventInvalidation(reason));

    /// <summary>What an <c>invalidation_reason</c> means.</summary>
    internal static string ExplainInvalidation(string reason) => reason switch
    {
        "wal_removed" => "PostgreSQL removed WAL the slot still needed, because it retained more than max_slot_wal_keep_size",
        "idle_timeout" => "the slot was not read for longer than idle_replication_slot_timeout",
        "rows_removed" => "rows the slot needed were removed (a standby's slot conflicting with recovery)",
        "wal_level_insufficient" => "wal_level was lowered below logical",
        _ => "see pg_replication_slots.invalidation_reason",
    };

    private static string PreventInvalidation(string reason) => reason switch
    {
        "wal_removed" => "To keep it from happening again, raise max_slot_wal_keep_size (or set it to -1), and keep Sequin running and its sinks delivering.",
        "idle_timeout" => "To keep it from happening again, raise idle_replication_slot_timeout (or set it to 0), and keep Sequin running.",
        _ => string.Empty,
    };

    private static string AcceptLoss(string slot) =>
        $"To accept the loss and start again from the current position, delete Sequin's record of the slot "
        + $"(DELETE FROM {SlotMarker.Table} WHERE slot_name = '{slot}') and restart: the slot is then created again if "
        + "slot.create_if_not_exists is true. Re-deliver the rows changed in the lost range from the tables (a backfill) if the sinks need them.";
}
