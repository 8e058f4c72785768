using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Sequin.Messages;
using Sequin.Pipeline;
using Sequin.Runtime;

namespace Sequin.Replication;

/// <summary>
/// Reads a PostgreSQL logical replication slot (pgoutput protocol 1, logical messages on) and hands every decoded
/// change to an <see cref="IChangeHandler"/>, in WAL order. It reports to PostgreSQL only the position an
/// <see cref="AckTracker"/> says is delivered, emits heartbeats so that an idle slot advances, and reconnects with
/// exponential backoff when the connection drops (resuming from the slot: changes may be delivered again, never lost).
/// </summary>
/// <remarks>
/// The jobs live in their own classes: <see cref="PublicationSetup"/> and <see cref="ReplicationSlot"/> prepare and
/// guard the slot, <see cref="ReplicationSession"/> runs one connection, <see cref="PgOutputDecoder"/> decodes it,
/// <see cref="StatusFeedback"/> acknowledges, <see cref="HeartbeatEmitter"/> keeps an idle slot moving. This class
/// runs them and reconnects.
/// </remarks>
internal sealed class ReplicationSource
{
    /// <summary>The jitter of the reconnect delay: ±15 %, so that hosts that lost the same server do not return in lockstep.</summary>
    private const double ReconnectJitter = 0.15;

    private readonly ReplicationSourceOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ReplicationSlot _slot;
    private readonly HeartbeatEmitter _heartbeat;
    private readonly RetrySchedule _reconnect;

    /// <summary>Creates a source. Nothing connects until <see cref="RunAsync"/> or <see cref="PrepareAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names the option.</exception>
    public ReplicationSource(ReplicationSourceOptions options, ILogger<ReplicationSource>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Source = options.ResolveSource();
        _slot = new ReplicationSlot(options, _logger, _timeProvider);
        _heartbeat = new HeartbeatEmitter(options.ConnectionString, options.SlotName, options.HeartbeatInterval, _logger, _timeProvider, options.Status);
        _reconnect = new RetrySchedule(options.ReconnectBaseDelay, options.ReconnectMaxDelay, ReconnectJitter);
    }

    /// <summary>The source database reported in messages.</summary>
    public SourceDatabaseInfo Source { get; }

    /// <summary>
    /// Checks that logical replication is possible, creates the publication and the slot when configured to (idempotent),
    /// and returns the slot's confirmed flush position: where reading resumes, and the start of an <see cref="AckTracker"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">wal_level is not logical, or the slot or publication is missing and may not be created, or the slot is not pgoutput.</exception>
    public async Task<ulong> PrepareAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_options.ConnectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PublicationSetup.EnsureAsync(connection, _options, _logger, cancellationToken).ConfigureAwait(false);
        return await _slot.PrepareAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the slot until <paramref name="cancellationToken"/> is cancelled, reconnecting after connection failures.
    /// Per transaction: <c>tracker.Begin</c> and <see cref="IChangeHandler.BeginTransaction"/>, then
    /// <see cref="IChangeHandler.HandleAsync"/> per change (reading pauses while it waits), then
    /// <see cref="IChangeHandler.CommitTransaction"/>. Every <see cref="ReplicationSourceOptions.StatusInterval"/> the
    /// tracker's confirmable position is reported to PostgreSQL.
    /// </summary>
    /// <remarks>
    /// Each connection failure (and each end of the stream by the server) waits before reconnecting: the
    /// <see cref="ReplicationSourceOptions.ReconnectBaseDelay"/> doubled per failed attempt in a row, capped at
    /// <see cref="ReplicationSourceOptions.ReconnectMaxDelay"/>, ±15 % jitter within the cap. A connection that streamed
    /// starts the count again.
    /// </remarks>
    /// <exception cref="OperationCanceledException">Cancelled (the normal way to stop).</exception>
    /// <exception cref="InvalidOperationException">The slot or publication is missing or unusable (not retried).</exception>
    public async Task RunAsync(IChangeHandler handler, AckTracker tracker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(tracker);
        using var heartbeatStop = new CancellationTokenSource();
        using var heartbeatLink = SafeCancellation.Link(heartbeatStop, cancellationToken);
        var heartbeat = _heartbeat.RunAsync(heartbeatStop.Token);
        var attempt = 0;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Exception? failure = null;
                var decoder = new PgOutputDecoder(handler, tracker, Source, _options.SlotName, _logger, _options.Status);
                var session = new ReplicationSession(
                    _options, _logger, _heartbeat, decoder, new StatusFeedback(_options, tracker, _slot, _logger, _timeProvider));
                try
                {
                    var startLsn = await PrepareAsync(cancellationToken).ConfigureAwait(false);
                    await session.StreamAsync(startLsn, () => { attempt = 0; _slot.OnStreaming(); }, cancellationToken).ConfigureAwait(false);
                    ReplicationLog.StreamEnded(_logger, _options.SlotName);
                }
                catch (Exception e) when (ReplicationFailure.IsTransient(e) && !cancellationToken.IsCancellationRequested)
                {
                    failure = e;
                }
                catch (Exception e) when (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
                {
                    // Npgsql reports a cancelled stream as a broken connection: stopping is still a cancellation.
                    throw new OperationCanceledException("Replication stopped.", e, cancellationToken);
                }
                finally
                {
                    decoder.AbandonOpenTransaction();
                    decoder.Dispose();
                }

                attempt++;
                var delay = BackoffDelay(attempt);
                LogReconnect(failure, delay, attempt);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            SafeCancellation.Cancel(heartbeatStop);
            try
            {
                await heartbeat.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            ReplicationLog.Stopped(_logger, _options.SlotName);
        }
    }

    /// <summary>
    /// Moves the slot's confirmed position forward to <paramref name="lsn"/>, for the final acknowledgement after
    /// <see cref="RunAsync"/> has stopped and the sinks have drained. Waits up to <paramref name="timeout"/> for the
    /// stopped replication connection to release the slot. A position at or below the slot's current one is left alone.
    /// </summary>
    /// <returns>True when the slot was advanced; false when it already was at or past <paramref name="lsn"/>.</returns>
    /// <exception cref="TimeoutException">The slot stayed in use by another connection for longer than <paramref name="timeout"/>.</exception>
    public Task<bool> AdvanceSlotAsync(ulong lsn, TimeSpan timeout, CancellationToken cancellationToken) =>
        _slot.AdvanceAsync(lsn, timeout, cancellationToken);

    /// <summary>The wait before reconnect attempt <paramref name="attempt"/> (1 for the first after a failure).</summary>
    internal TimeSpan BackoffDelay(int attempt)
    {
        var delay = _reconnect.GetDelay(attempt);
        return delay > _options.ReconnectMaxDelay ? _options.ReconnectMaxDelay : delay;
    }

    /// <summary>
    /// One line per expected reconnect, with the reason and no stack trace (the exception goes to Debug); a slot held by
    /// another process is reported as such.
    /// </summary>
    private void LogReconnect(Exception? failure, TimeSpan delay, int attempt)
    {
        var delayMs = (long)delay.TotalMilliseconds;
        if (failure is PostgresException { SqlState: PostgresErrorCodes.ObjectInUse } inUse)
        {
            ReplicationLog.SlotInUse(_logger, _options.SlotName, inUse.MessageText, delayMs, attempt);
        }
        else
        {
            var reason = failure is null ? "the server ended the replication stream" : ReplicationFailure.Describe(failure);
            ReplicationLog.ConnectionLost(_logger, _options.SlotName, reason, delayMs, attempt);
        }

        if (failure is not null && _logger.IsEnabled(LogLevel.Debug))
        {
            ReplicationLog.ConnectionLostDetail(_logger, failure, _options.SlotName);
        }
    }
}
