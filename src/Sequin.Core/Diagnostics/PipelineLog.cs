using Microsoft.Extensions.Logging;

namespace Sequin.Diagnostics;

/// <summary>The delivery runtime's log messages (Sequin.Core event ids 1200-1299).</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(1200, LogLevel.Information, "Sink {Sink} started with {Partitions} partitions (batches of up to {MaxMessages} messages / {MaxBytes} bytes, linger {Linger}, {MaxConcurrentBatches} in flight).")]
    public static partial void Started(ILogger logger, string sink, int partitions, int maxMessages, long maxBytes, TimeSpan linger, int maxConcurrentBatches);

    [LoggerMessage(1201, LogLevel.Information, "Sink {Sink} stopped; {Buffered} messages were left undelivered and stay un-acknowledged.")]
    public static partial void Stopped(ILogger logger, string sink, int buffered);

    [LoggerMessage(1202, LogLevel.Warning, "Sink {Sink} stop was forced: in-flight batches were abandoned; {Buffered} messages stay un-acknowledged.")]
    public static partial void StopForced(ILogger logger, string sink, int buffered);

    /// <summary>A batch key as logged: a sink that puts every message in one batch uses the empty key, shown as "(default)".</summary>
    internal static string KeyText(string batchKey) => batchKey.Length == 0 ? "(default)" : batchKey;

    [LoggerMessage(1210, LogLevel.Warning, "Sink {Sink}: {Failed} of {Count} messages of batch {BatchKey} failed: {Error}. Retrying in {Delay}.")]
    public static partial void BatchFailed(ILogger logger, string sink, string batchKey, int failed, int count, string error, TimeSpan delay);

    [LoggerMessage(1211, LogLevel.Error, "Sink {Sink}: delivering batch {BatchKey} of {Count} messages threw; the batch is retried.")]
    public static partial void BatchThrew(ILogger logger, Exception exception, string sink, string batchKey, int count);

    [LoggerMessage(1212, LogLevel.Error, "Sink {Sink}: the pipeline returned {Outcomes} outcomes for batch {BatchKey} of {Count} messages; the batch is retried.")]
    public static partial void BadOutcomeCount(ILogger logger, string sink, string batchKey, int outcomes, int count);

    [LoggerMessage(1213, LogLevel.Warning, "Sink {Sink}: processing a change of {Table} (group {GroupId}) failed on attempt {Attempt}: {Error}. Retrying in {Delay}.")]
    public static partial void ProcessingFailed(ILogger logger, string sink, string table, string? groupId, int attempt, string error, TimeSpan delay);

    [LoggerMessage(1214, LogLevel.Warning, "Sink {Sink}: {Suppressed} more failed attempts since the last one logged (failures are logged at most once every {Window}; each is still retried and counted).")]
    public static partial void FailuresSuppressed(ILogger logger, string sink, int suppressed, TimeSpan window);

    [LoggerMessage(1220, LogLevel.Error, "Sink {Sink} discarded the {Action} of {Table} (group {GroupId}, commit_lsn {CommitLsn}, commit_idx {CommitIdx}) after {Attempts} failed attempts (max_retry_count {MaxRetryCount}): {Reason}")]
    public static partial void Discarded(ILogger logger, string sink, string action, string table, string? groupId, ulong commitLsn, int commitIdx, int attempts, int maxRetryCount, string reason);

    [LoggerMessage(1230, LogLevel.Critical, "Sink {Sink}: partition {Partition} stopped unexpectedly; its messages stay un-acknowledged.")]
    public static partial void PartitionFailed(ILogger logger, Exception exception, string sink, int partition);

    [LoggerMessage(1260, LogLevel.Information, "Sink {Sink} paused: deliveries wait (buffered, unacknowledged) until it is resumed.")]
    public static partial void SinkPaused(ILogger logger, string sink);

    [LoggerMessage(1261, LogLevel.Information, "Sink {Sink} resumed: held deliveries go out.")]
    public static partial void SinkResumed(ILogger logger, string sink);
}
