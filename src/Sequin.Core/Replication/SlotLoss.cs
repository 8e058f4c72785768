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

    private static string AcceptLoss(string slot) =>
        $"To accept the loss and start again from the current position, delete Sequin's record of the slot "
        + $"(DELETE FROM {SlotMarker.Table} WHERE slot_name = '{slot}') and restart: the slot is then created again if "
        + "slot.create_if_not_exists is true. Re-deliver the rows changed in the lost range from the tables (a backfill) if the sinks need them.";
}
