using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;
using NpgsqlTypes;
using Sequin.Runtime;

namespace Sequin.Replication;

/// <summary>
/// Tells PostgreSQL, every <see cref="ReplicationSourceOptions.StatusInterval"/>, the position up to which every change
/// is delivered (the <see cref="AckTracker"/>'s confirmable position, never further; when nothing received is
/// undelivered, the end of the WAL the server sent), so that the slot releases the WAL before it and a fast shutdown
/// of the server does not wait for the connection. At the same ticks it checks how much WAL the slot retains because of undelivered changes and warns
/// when a threshold is crossed (and once more when both are back under).
/// </summary>
internal sealed class StatusFeedback
{
    private readonly ReplicationSourceOptions _options;
    private readonly AckTracker _tracker;
    private readonly ReplicationSlot _slot;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly WalRetentionMonitor _retention;

    /// <summary>Creates the feedback of one replication connection.</summary>
    public StatusFeedback(ReplicationSourceOptions options, AckTracker tracker, ReplicationSlot slot, ILogger logger, TimeProvider timeProvider)
    {
        _options = options;
        _tracker = tracker;
        _slot = slot;
        _logger = logger;
        _timeProvider = timeProvider;
        _retention = new WalRetentionMonitor(options.WalLagWarningBytes, options.UndeliveredAgeWarning);
    }

    /// <summary>Reports on <paramref name="connection"/> every interval until cancelled. A failed report is logged; the next tick tries again.</summary>
    public async Task RunAsync(LogicalReplicationConnection connection, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.StatusInterval, _timeProvider);
        ulong reported = 0;
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            // Read before the tracker (see AckTracker.GetConfirmableLsn): the end of the WAL the server sent, which is
            // confirmed too once nothing received is still undelivered.
            var serverWalEnd = (ulong)connection.LastReceivedLsn;
            var lsn = _tracker.GetConfirmableLsn(serverWalEnd);
            if (lsn == 0)
            {
                continue;
            }

            CheckRetention(Math.Max((ulong)connection.LastReceivedLsn, _options.Status.ServerWal), lsn);

            // Noted before it can reach PostgreSQL (Npgsql's own feedback repeats it): the slot may be at most here.
            _slot.NoteAcknowledged(lsn);
            connection.SetReplicationStatus(new NpgsqlLogSequenceNumber(lsn));
            try
            {
                await connection.SendStatusUpdate(cancellationToken).ConfigureAwait(false);
                if (lsn != reported)
                {
                    reported = lsn;
                    if (_logger.IsEnabled(LogLevel.Debug))
                    {
                        ReplicationLog.StatusSent(_logger, new NpgsqlLogSequenceNumber(lsn), _options.SlotName);
                    }
                }
            }
            catch (InvalidOperationException)
            {
                // Not streaming yet (or any more): the next tick retries.
            }
            catch (Exception e) when (e is NpgsqlException or IOException or ObjectDisposedException)
            {
                ReplicationLog.StatusFailed(_logger, _options.SlotName, ReplicationFailure.Describe(e));
            }
        }
    }

    private void CheckRetention(ulong received, ulong confirmable)
    {
        var now = _timeProvider.GetUtcNow();
        var lag = received > confirmable ? (long)(received - confirmable) : 0;
        var oldest = _tracker.OldestOpenCommitTimestamp;
        _options.Status.OnLag(lag, WalRetentionMonitor.AgeOf(now, oldest));
        switch (_retention.Check(now, lag, oldest))
        {
            case WalRetentionState.Warn:
                ReplicationLog.WalRetained(_logger, _options.SlotName, lag, _options.WalLagWarningBytes, WalRetentionMonitor.AgeOf(now, oldest), _options.UndeliveredAgeWarning);
                break;
            case WalRetentionState.Recovered:
                ReplicationLog.WalRetentionRecovered(_logger, _options.SlotName, lag);
                break;
        }
    }
}
