using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sequin.Configuration;
using Sequin.Replication;

namespace Sequin.Hosting;

/// <summary>
/// Prepares a database at start, waiting for it while it cannot be reached (<c>await_database</c>): connection
/// failures are retried with a growing delay (the interval, doubling up to 5 s or the interval if longer) until the
/// timeout, each logged in one line; then starting fails with an error naming the database and the key. Failures that
/// waiting cannot cure (authentication, a missing database, wal_level, a missing slot) fail at once.
/// </summary>
internal static class DatabaseAwaiter
{
    public static Task<ulong> PrepareAsync(DatabaseConfig database, ReplicationSource source, ILogger logger, TimeProvider time, CancellationToken cancellationToken) =>
        RunAsync(database, source.PrepareAsync, logger, time, cancellationToken);

    /// <summary>Runs <paramref name="attempt"/> (a first contact with the database), retrying it while the database cannot be reached.</summary>
    public static async Task<T> RunAsync<T>(DatabaseConfig database, Func<CancellationToken, Task<T>> attempt, ILogger logger, TimeProvider time, CancellationToken cancellationToken)
    {
        var wait = database.AwaitDatabase;
        var started = time.GetTimestamp();
        var maxDelay = wait.Interval > TimeSpan.FromSeconds(5) ? wait.Interval : TimeSpan.FromSeconds(5);
        var delay = wait.Interval;
        for (var number = 1; ; number++)
        {
            try
            {
                var result = await attempt(cancellationToken).ConfigureAwait(false);
                if (number > 1)
                {
                    RuntimeLog.DatabaseReachable(logger, database.Name, number, (long)time.GetElapsedTime(started).TotalMilliseconds);
                }

                return result;
            }
            catch (NpgsqlException e) when (!IsUnreachable(e) && !cancellationToken.IsCancellationRequested)
            {
                // Waiting cannot cure it (authentication, TLS verification, a missing database): fail at once, in one line.
                var hint = HasCause<AuthenticationException>(e)
                    ? $". The server's certificate did not verify (ssl_mode {(database.SslMode is { } m ? ConfigEnum.Name(m) : "prefer")}): check that ssl_root_cert is the root that signed it and, for verify-full, that it names '{database.Hostname}'"
                    : string.Empty;
                throw new InvalidOperationException(
                    $"Database '{database.Name}' ({database.Hostname}:{database.Port}/{database.Database}): {ReplicationFailure.Describe(e)}{hint}.", e);
            }
            catch (Exception e) when (IsUnreachable(e) && !cancellationToken.IsCancellationRequested)
            {
                var waited = time.GetElapsedTime(started);
                var reason = ReplicationFailure.Describe(e);
                if (waited >= wait.Timeout)
                {
                    throw new InvalidOperationException(
                        $"Database '{database.Name}' ({database.Hostname}:{database.Port}/{database.Database}) could not be reached: {reason}. "
                        + $"Gave up after {number} attempt(s) in {waited.TotalSeconds:0.0} s (await_database.timeout_ms: {(long)wait.Timeout.TotalMilliseconds}).",
                        e);
                }

                var pause = delay < wait.Timeout - waited ? delay : wait.Timeout - waited;
                RuntimeLog.DatabaseUnreachable(logger, database.Name, reason, number, (long)pause.TotalMilliseconds, (long)waited.TotalMilliseconds, (long)wait.Timeout.TotalMilliseconds);
                await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, maxDelay.Ticks));
            }
        }
    }

    /// <summary>Whether waiting may help: the server is down, starting, restarting or full, or the network failed.</summary>
    private static bool IsUnreachable(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exceptions
            || pg.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.TooManyConnections,
        NpgsqlException when HasCause<AuthenticationException>(e) => false, // TLS: the certificate was rejected
        NpgsqlException => true, // no answer from a server: refused, reset, timed out, name not resolved
        SocketException or TimeoutException or IOException => true,
        _ => false,
    };

    private static bool HasCause<T>(Exception e)
        where T : Exception
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is T)
            {
                return true;
            }
        }

        return false;
    }
}
