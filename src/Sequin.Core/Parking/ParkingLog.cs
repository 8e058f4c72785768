using Microsoft.Extensions.Logging;

namespace Sequin.Parking;

/// <summary>Log messages of parking (Sequin.Core event ids 1250-1259).</summary>
internal static partial class ParkingLog
{
    [LoggerMessage(1250, LogLevel.Warning, "Sink {Sink}: a change of {Table} (group {GroupId}) failed {Attempts} times: {Error}. It and the {Count} queued messages of its group are parked in sequin_state.parked_messages and retried from there; the replication slot moves on.")]
    public static partial void Parking(ILogger logger, string sink, string table, string? groupId, int attempts, int count, string error);

    [LoggerMessage(1251, LogLevel.Warning, "Sink {Sink}: {Operation} in sequin_state failed: {Error}. Retrying; the messages concerned stay un-acknowledged or parked.")]
    public static partial void StoreFailed(ILogger logger, string sink, string operation, string error);

    [LoggerMessage(1252, LogLevel.Information, "Sink {Sink}: {Messages} parked messages in {Groups} groups found in sequin_state.parked_messages; they are retried from there.")]
    public static partial void Loaded(ILogger logger, string sink, int messages, int groups);

    [LoggerMessage(1253, LogLevel.Information, "Sink {Sink}: {Purged} discard records older than {Retention} removed from sequin_state.discarded_messages.")]
    public static partial void Purged(ILogger logger, string sink, int purged, TimeSpan retention);

    [LoggerMessage(1254, LogLevel.Information, "Sink {Sink}: {Groups} parked groups changed by an operator (sequin messages retry|discard); each goes on now with its oldest parked message.")]
    public static partial void RetryRequested(ILogger logger, string sink, int groups);

    [LoggerMessage(1255, LogLevel.Error, "Sink {Sink}: a change of {Table} (group {GroupId}) can never be delivered as it is: {Error}. It and the {Count} queued messages of its group are parked in sequin_state.parked_messages and not retried automatically: fix the cause, then 'sequin messages retry', or 'sequin messages discard'. The replication slot moves on.")]
    public static partial void Rejected(ILogger logger, string sink, string table, string? groupId, int count, string error);
}
