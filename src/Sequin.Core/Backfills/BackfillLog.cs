using Microsoft.Extensions.Logging;

namespace Sequin.Backfills;

/// <summary>The backfill log messages.</summary>
internal static partial class BackfillLog
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Backfill {BackfillId} of {Table} for sink '{Sink}' started ({Kind}, about {Estimated} rows, resuming: {Resuming})")]
    public static partial void Started(ILogger logger, Guid backfillId, string table, string sink, string kind, long? estimated, bool resuming);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Backfill {BackfillId} of {Table} for sink '{Sink}': {RowsRead} rows read, {RowsDelivered} delivered, {Rate:F0} rows/s, about {Remaining} left (page size {PageSize})")]
    public static partial void Progress(ILogger logger, Guid backfillId, string table, string sink, long rowsRead, long rowsDelivered, double rate, string remaining, int pageSize);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Information, Message = "Backfill {BackfillId} of {Table} for sink '{Sink}' completed: {RowsRead} rows read, {RowsDelivered} read messages delivered, {Superseded} superseded by concurrent changes, {Rate:F0} rows/s")]
    public static partial void Completed(ILogger logger, Guid backfillId, string table, string sink, long rowsRead, long rowsDelivered, long superseded, double rate);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Information, Message = "Backfill {BackfillId} of {Table} for sink '{Sink}' cancelled after {RowsRead} rows")]
    public static partial void Cancelled(ILogger logger, Guid backfillId, string table, string sink, long rowsRead);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Error, Message = "Backfill {BackfillId} of {Table} for sink '{Sink}' failed: {Reason}")]
    public static partial void Failed(ILogger logger, Guid backfillId, string table, string sink, string reason);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Warning, Message = "Backfill {BackfillId} of {Table} for sink '{Sink}' was interrupted ({Reason}); it resumes from its cursor in {DelayMs} ms")]
    public static partial void Interrupted(ILogger logger, Guid backfillId, string table, string sink, string reason, long delayMs);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Information, Message = "Initial backfill of sink '{Sink}' created: {Count} table(s)")]
    public static partial void InitialCreated(ILogger logger, string sink, int count);

    [LoggerMessage(EventId = 1507, Level = LogLevel.Warning, Message = "Backfills of database '{Database}' could not be checked: {Reason}; trying again")]
    public static partial void PollFailed(ILogger logger, string database, string reason);
}
