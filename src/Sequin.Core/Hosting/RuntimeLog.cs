using Microsoft.Extensions.Logging;

namespace Sequin.Hosting;

/// <summary>The runtime's log messages (event ids 1300-1399).</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(1300, LogLevel.Information, "Sequin runtime starting: {Databases} database(s), {Sinks} active sink(s).")]
    public static partial void Starting(ILogger logger, int databases, int sinks);

    [LoggerMessage(1301, LogLevel.Information, "Database {Database}: reading slot {Slot} from {Lsn} for sink(s) {Sinks}.")]
    public static partial void DatabaseStarting(ILogger logger, string database, string slot, string lsn, string sinks);

    [LoggerMessage(1302, LogLevel.Information, "Sink {Sink} is {Status}; it is not started.")]
    public static partial void SinkSkipped(ILogger logger, string sink, string status);

    [LoggerMessage(1303, LogLevel.Information, "Database {Database} has no active sinks; its slot is not read.")]
    public static partial void DatabaseIdle(ILogger logger, string database);

    [LoggerMessage(1304, LogLevel.Information, "Stopping: reading stopped, delivering in-flight batches (up to {DrainTimeout}).")]
    public static partial void Draining(ILogger logger, TimeSpan drainTimeout);

    [LoggerMessage(1305, LogLevel.Information, "Database {Database}: acknowledged {Lsn} to slot {Slot} on shutdown.")]
    public static partial void FinalAck(ILogger logger, string database, string lsn, string slot);

    [LoggerMessage(1306, LogLevel.Warning, "Database {Database}: could not acknowledge {Lsn} to slot {Slot} on shutdown; the changes after the last acknowledged position are read again on restart.")]
    public static partial void FinalAckFailed(ILogger logger, Exception exception, string database, string lsn, string slot);

    [LoggerMessage(1307, LogLevel.Error, "Database {Database}: replication failed and stopped: {Reason}")]
    public static partial void DatabaseFailed(ILogger logger, Exception? exception, string database, string reason);

    [LoggerMessage(1309, LogLevel.Critical, "Sequin runtime failed: {Reason}")]
    public static partial void Failed(ILogger logger, Exception? exception, string reason);

    [LoggerMessage(1310, LogLevel.Error, "Sink {Sink} crashed: {Reason}. Database {Database} cannot acknowledge past its undelivered changes; Sequin stops.")]
    public static partial void SinkCrashed(ILogger logger, Exception exception, string sink, string database, string reason);

    [LoggerMessage(1311, LogLevel.Warning, "Database {Database} is not reachable yet ({Reason}); attempt {Attempt}, retrying in {DelayMs} ms (waited {WaitedMs} of {TimeoutMs} ms, await_database).")]
    public static partial void DatabaseUnreachable(ILogger logger, string database, string reason, int attempt, long delayMs, long waitedMs, long timeoutMs);

    [LoggerMessage(1312, LogLevel.Information, "Database {Database} is reachable (attempt {Attempt}, after {WaitedMs} ms).")]
    public static partial void DatabaseReachable(ILogger logger, string database, int attempt, long waitedMs);

    [LoggerMessage(1308, LogLevel.Information, "Sequin runtime stopped.")]
    public static partial void Stopped(ILogger logger);
}
