using Microsoft.Extensions.Logging;

namespace Sequin.Hosting;

/// <summary>The leader lock's log messages (event ids 1320-1329, within the runtime's 1300-1399).</summary>
internal static partial class LeadershipLog
{
    [LoggerMessage(1320, LogLevel.Information, "Database {Database}: this host leads (advisory lock {LockKey} for slot {Slot}, after {WaitedMs} ms).")]
    public static partial void BecameLeader(ILogger logger, string database, long lockKey, string slot, long waitedMs);

    [LoggerMessage(1321, LogLevel.Information, "Database {Database}: standing by; another host holds advisory lock {LockKey} for slot {Slot}. Trying again every {RetryMs} ms.")]
    public static partial void StandingBy(ILogger logger, string database, long lockKey, string slot, long retryMs);

    [LoggerMessage(1322, LogLevel.Warning, "Database {Database}: lost leadership ({Reason}); stopped delivering and reading slot {Slot} in {StopMs} ms, without acknowledging; standing by.")]
    public static partial void Fenced(ILogger logger, string database, string reason, string slot, long stopMs);

    [LoggerMessage(1323, LogLevel.Warning, "Database {Database}: could not try the leader lock ({Reason}); trying again in {RetryMs} ms.")]
    public static partial void LockAttemptFailed(ILogger logger, string database, string reason, long retryMs);

    [LoggerMessage(1324, LogLevel.Information, "Database {Database}: released advisory lock {LockKey}; another host may lead.")]
    public static partial void Released(ILogger logger, string database, long lockKey);
}
