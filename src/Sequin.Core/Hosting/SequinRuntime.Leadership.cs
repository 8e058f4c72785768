using Npgsql;
using Sequin.Configuration;
using Sequin.Diagnostics;
using Sequin.Parking;
using Sequin.Replication;

namespace Sequin.Hosting;

/// <summary>
/// The leader loop of each database (docs/how-to/run-highly-available.md): stand by until this host takes the
/// database's <see cref="LeaderLock"/>, lead (a term of <see cref="RunTermAsync"/>) while the lock connection answers,
/// and go back to standing by when it does not (fencing).
/// </summary>
internal sealed partial class SequinRuntime
{
    /// <summary>
    /// Leads <paramref name="database"/> whenever this host holds its lock, until <paramref name="cancellationToken"/>
    /// is cancelled or a term fails. A lone host takes the lock at its first attempt, so it starts as before.
    /// </summary>
    private async Task LeadAsync(DatabaseConfig database, ReplicationStatus status, CancellationToken cancellationToken)
    {
        var settings = database.LeaderLock;
        var first = true;
        while (true)
        {
            var waitStarted = _time.GetTimestamp();
            var leaderLock = new LeaderLock(database.BuildConnectionString(), database.Slot.Name, settings.CheckTimeout);
            try
            {
                await StandByAsync(database, status, leaderLock, first, cancellationToken).ConfigureAwait(false);
                first = false;
                status.OnLeader(leaderLock.Key);
                LeadershipLog.BecameLeader(_logger, database.Name, leaderLock.Key, database.Slot.Name, (long)_time.GetElapsedTime(waitStarted).TotalMilliseconds);
                if (!await LeadTermAsync(database, status, leaderLock, cancellationToken).ConfigureAwait(false))
                {
                    // A requested stop: the term drained and acknowledged; releasing the lock lets a standby take over at once.
                    await leaderLock.DisposeAsync().ConfigureAwait(false);
                    LeadershipLog.Released(_logger, database.Name, leaderLock.Key);
                    return;
                }

                // Fenced: a standby that kept trying took the lock, or will. This host tries again only after two
                // retry intervals, so that it does not win the lock straight back from a standby that was waiting.
                status.OnStandby(leaderLock.Key);
                await leaderLock.DisposeAsync().ConfigureAwait(false);
                await Task.Delay(settings.RetryInterval * 2, _time, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await leaderLock.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Tries the lock until this host holds it, every <see cref="LeaderLockConfig.RetryInterval"/>. The first attempt of
    /// a run waits for an unreachable database as starting always did (<c>await_database</c>) and fails on errors that
    /// waiting cannot cure; later ones log connection failures and try again.
    /// </summary>
    private async Task StandByAsync(DatabaseConfig database, ReplicationStatus status, LeaderLock leaderLock, bool first, CancellationToken cancellationToken)
    {
        var retry = database.LeaderLock.RetryInterval;
        var standing = false;
        while (true)
        {
            bool acquired;
            if (first)
            {
                acquired = await DatabaseAwaiter.RunAsync(database, leaderLock.TryAcquireAsync, _logger, _time, cancellationToken).ConfigureAwait(false);
                first = false;
            }
            else
            {
                try
                {
                    acquired = await leaderLock.TryAcquireAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && (ReplicationFailure.IsTransient(e) || e is OperationCanceledException))
                {
                    LeadershipLog.LockAttemptFailed(_logger, database.Name, ReplicationFailure.Describe(e), (long)retry.TotalMilliseconds);
                    acquired = false;
                }
            }

            if (acquired)
            {
                return;
            }

            if (!standing)
            {
                standing = true;
                status.OnStandby(leaderLock.Key);
                LeadershipLog.StandingBy(_logger, database.Name, leaderLock.Key, database.Slot.Name, (long)retry.TotalMilliseconds);
            }

            await Task.Delay(retry, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs one term while watching the lock connection. Returns false after a requested stop; true when the lock was
    /// lost: then the term's sinks are stopped first (nothing more is delivered, in-flight deliveries are cancelled),
    /// then reading, so the slot is released only once this host delivers nothing, and a standby that took the lock
    /// cannot read the slot before that (PostgreSQL refuses a second reader of an active slot).
    /// </summary>
    private async Task<bool> LeadTermAsync(DatabaseConfig database, ReplicationStatus status, LeaderLock leaderLock, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watchStop = new CancellationTokenSource();
        var term = new Term(database, stop);
        var watch = leaderLock.WatchAsync(database.LeaderLock.CheckInterval, _time, watchStop.Token);
        var run = RunTermAsync(database, status, term);
        if (await Task.WhenAny(watch, run).ConfigureAwait(false) == watch && watch.IsCompletedSuccessfully)
        {
            var detected = _time.GetTimestamp();
            term.Fenced = true;
            using (var now = new CancellationTokenSource())
            {
                await now.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(term.SinksNow().Select(s => s.Consumer.StopAsync(now.Token))).ConfigureAwait(false);
            }

            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await run.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // After the lock is lost, what the stopped term throws is a consequence (stopped while preparing, sinks stopped under it).
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            LeadershipLog.Fenced(_logger, database.Name, watch.Result, database.Slot.Name, (long)_time.GetElapsedTime(detected).TotalMilliseconds);
            return true;
        }

        await watchStop.CancelAsync().ConfigureAwait(false);
        try
        {
            await watch.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await run.ConfigureAwait(false);
        return false;
    }

    /// <summary>What one term of leadership holds: its stop, its sinks, its parking store and enrichment pool.</summary>
    private sealed class Term(DatabaseConfig database, CancellationTokenSource stop)
    {
        private volatile bool _fenced;

        public DatabaseConfig Database { get; } = database;

        public CancellationTokenSource Stop { get; } = stop;

        /// <summary>The term's sinks; added to by the term, read by the fencing: take it under its own lock.</summary>
        public List<RunningSink> Sinks { get; } = [];

        public PostgresParkingStore? Parking { get; set; }

        public NpgsqlDataSource? Enrichment { get; set; }

        /// <summary>A copy of <see cref="Sinks"/>.</summary>
        public List<RunningSink> SinksNow()
        {
            lock (Sinks)
            {
                return [.. Sinks];
            }
        }

        /// <summary>Adds a sink (after the fencing, its consumer is stopped at once: it must deliver nothing).</summary>
        public void Add(RunningSink sink)
        {
            lock (Sinks)
            {
                Sinks.Add(sink);
            }
        }

        /// <summary>Removes a sink that was stopped and released (replaced or removed by a live configuration change).</summary>
        public void Remove(RunningSink sink)
        {
            lock (Sinks)
            {
                Sinks.Remove(sink);
            }
        }

        /// <summary>The crash watchers of the term's consumers (<see cref="WatchAsync"/>), awaited when the term ends.</summary>
        private readonly List<Task<Exception?>> _watchers = [];

        public void Watch(Task<Exception?> watcher)
        {
            lock (_watchers)
            {
                _watchers.Add(watcher);
            }
        }

        public List<Task<Exception?>> WatchersNow()
        {
            lock (_watchers)
            {
                return [.. _watchers];
            }
        }

        /// <summary>True once the lock was lost: the term's sinks stop without draining and nothing is acknowledged.</summary>
        public bool Fenced
        {
            get => _fenced;
            set => _fenced = value;
        }
    }
}
