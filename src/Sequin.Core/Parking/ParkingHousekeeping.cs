using Microsoft.Extensions.Logging;
using Sequin.Pipeline;

namespace Sequin.Parking;

/// <summary>
/// A consumer's upkeep of its parking store. At start it creates the store, loads the groups parked before (keys and
/// counts only, so that new messages of those groups park behind them) and removes discard records older than
/// <see cref="SinkConsumerSettings.DiscardedRetention"/>. While the consumer runs it polls for operator retry requests
/// (<c>sequin messages retry</c>) and, when messages are discarded, removes old discard records again at most once an hour.
/// Store failures here are logged and retried later, never fatal.
/// </summary>
/// <param name="store">The parking store.</param>
/// <param name="settings">The consumer's settings (name, poll interval, retention).</param>
/// <param name="logger">The consumer's logger.</param>
/// <param name="time">The clock of the poll timer and the purge throttle.</param>
/// <param name="failureLog">The consumer's failure-log throttle, for failed polls.</param>
internal sealed class ParkingHousekeeping(IParkingStore store, SinkConsumerSettings settings, ILogger logger, TimeProvider time, FailureLogThrottle failureLog)
{
    private long _lastPurgeTicks;

    /// <summary>The parking store.</summary>
    public IParkingStore Store => store;

    private string Name => settings.Consumer.Name;

    /// <summary>Creates the store if needed, loads the groups parked before and purges old discard records.</summary>
    /// <returns>The groups parked before, for the partitions to adopt, and the discard records kept (after the purge).</returns>
    public async Task<(IReadOnlyList<ParkedGroupSummary> Parked, long Discarded)> StartAsync(CancellationToken cancellationToken)
    {
        await store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var groups = await store.LoadGroupsAsync(Name, cancellationToken).ConfigureAwait(false);
        if (groups.Count > 0)
        {
            ParkingLog.Loaded(logger, Name, groups.Sum(g => g.Count), groups.Count);
        }

        await PurgeDiscardedAsync(cancellationToken).ConfigureAwait(false);
        return (groups, await store.CountDiscardedAsync(Name, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Hands operator retry requests to the partitions, polling every <see cref="SinkConsumerSettings.RetryRequestPollInterval"/>
    /// until <paramref name="cancellationToken"/> fires: a request reaches the partitions within one interval.
    /// </summary>
    public async Task PollRetryRequestsAsync(IReadOnlyList<ConsumerPartition> partitions, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(settings.RetryRequestPollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                IReadOnlyList<ParkingKey> keys;
                try
                {
                    keys = await store.TakeRetryRequestsAsync(Name, cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Polling is retried at the next tick; a failure is logged (throttled), never fatal.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    var error = $"{ex.GetType().Name}: {ex.Message}";
                    if (failureLog.ShouldLog(error))
                    {
                        ParkingLog.StoreFailed(logger, Name, "Reading retry requests", error);
                    }

                    continue;
                }

                if (keys.Count > 0)
                {
                    ParkingLog.RetryRequested(logger, Name, keys.Count);
                    foreach (var partition in partitions)
                    {
                        partition.RetryParkedNow(keys);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>After a discard: purges old discard records in the background unless that was done within the hour.</summary>
    public void OnDiscarded(CancellationToken cancellationToken)
    {
        if (time.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastPurgeTicks) > TimeSpan.TicksPerHour)
        {
            _ = PurgeDiscardedAsync(cancellationToken);
        }
    }

    private async Task PurgeDiscardedAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastPurgeTicks, time.GetUtcNow().UtcTicks);
        try
        {
            var purged = await store.PurgeDiscardedAsync(Name, time.GetUtcNow() - settings.DiscardedRetention, cancellationToken).ConfigureAwait(false);
            if (purged > 0)
            {
                ParkingLog.Purged(logger, Name, purged, settings.DiscardedRetention);
            }
        }
#pragma warning disable CA1031 // Purging old records is housekeeping: a failure is logged and tried again later.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            ParkingLog.StoreFailed(logger, Name, "Removing old discard records", ex.Message);
        }
    }
}
