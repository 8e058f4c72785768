using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;
using Sequin.Messages;
using Sequin.Runtime;

namespace Sequin.Replication;

/// <summary>
/// Reads a PostgreSQL logical replication slot (pgoutput protocol 1, logical messages on) and hands every decoded
/// change to an <see cref="IChangeHandler"/>, in WAL order. It reports to PostgreSQL only the position an
/// <see cref="AckTracker"/> says is delivered, emits heartbeats so that an idle slot advances, and reconnects with
/// exponential backoff when the connection drops (resuming from the slot: changes may be delivered again, never lost).
/// </summary>
internal sealed class ReplicationSource
{
    /// <summary>The logical message prefix that sets the annotations of the current transaction.</summary>
    public const string AnnotationsSetPrefix = "sequin:transaction_annotations.set";

    /// <summary>The logical message prefix that clears the annotations of the current transaction.</summary>
    public const string AnnotationsClearPrefix = "sequin:transaction_annotations.clear";

    /// <summary>The logical message prefix of heartbeats (not delivered to the handler).</summary>
    public const string HeartbeatPrefix = "sequin.heartbeat.1";

    private const int MaxInitialJsonDepth = 256;

    private readonly ReplicationSourceOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly SourceDatabaseInfo _source;
    private readonly string _normalConnectionString;

    // What this source knows of its slot during this run: whether it has seen it, and the highest position that was
    // the slot's (at preparation) or that it acknowledged since. A slot that then disappears, or that shows a position
    // past that one, lost changes: never recreated or followed silently.
    private bool _slotSeen;
    private ulong _highestAcknowledged;

    /// <summary>Creates a source. Nothing connects until <see cref="RunAsync"/> or <see cref="PrepareAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names the option.</exception>
    public ReplicationSource(ReplicationSourceOptions options, ILogger<ReplicationSource>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _source = options.ResolveSource();
        _normalConnectionString = options.ConnectionString;
    }

    /// <summary>The source database reported in messages.</summary>
    public SourceDatabaseInfo Source => _source;

    /// <summary>
    /// Checks that logical replication is possible, creates the publication and the slot when configured to (idempotent),
    /// and returns the slot's confirmed flush position: where reading resumes, and the start of an <see cref="AckTracker"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">wal_level is not logical, or the slot or publication is missing and may not be created, or the slot is not pgoutput.</exception>
    public async Task<ulong> PrepareAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_normalConnectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        var walLevel = await ScalarAsync<string>(connection, "SHOW wal_level", null, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(walLevel, "logical", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"PostgreSQL's wal_level is '{walLevel}'; logical replication needs wal_level = logical (restart required).");
        }

        var publicationExists = await ScalarAsync<bool>(
            connection, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = @p)", _options.PublicationName, cancellationToken)
            .ConfigureAwait(false);
        if (!publicationExists)
        {
            if (!_options.CreatePublicationIfNotExists)
            {
                throw new InvalidOperationException(
                    $"Publication '{_options.PublicationName}' does not exist in database '{connection.Database}'. Create it, or set publication.create_if_not_exists: true.");
            }

            var sql = _options.CreatePublicationSql();
            try
            {
                var create = new NpgsqlCommand(sql, connection);
                await using var createScope = create.ConfigureAwait(false);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                ReplicationLog.PublicationCreated(_logger, _options.PublicationName, sql);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
            {
                // Created concurrently: fine.
            }
        }

        var slot = await ReadSlotAsync(connection, cancellationToken).ConfigureAwait(false);
        if (slot is null)
        {
            await ThrowIfSlotWasUsedAsync(connection, cancellationToken).ConfigureAwait(false);
            if (!_options.CreateSlotIfNotExists)
            {
                throw new InvalidOperationException(
                    $"Replication slot '{_options.SlotName}' does not exist in database '{connection.Database}'. Create it "
                    + $"(SELECT pg_create_logical_replication_slot('{_options.SlotName}', 'pgoutput')), or set slot.create_if_not_exists: true.");
            }

            try
            {
                var create = new NpgsqlCommand("SELECT pg_catalog.pg_create_logical_replication_slot(@p, 'pgoutput')", connection);
                await using var createScope = create.ConfigureAwait(false);
                create.Parameters.AddWithValue("p", _options.SlotName);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                ReplicationLog.SlotCreated(_logger, _options.SlotName);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
            {
                // Created concurrently: fine.
            }

            slot = await ReadSlotAsync(connection, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Replication slot '{_options.SlotName}' vanished right after it was created.");
        }
        else if (_slotSeen && slot.Value.ConfirmedFlush > _highestAcknowledged)
        {
            var current = await ScalarAsync<NpgsqlLogSequenceNumber>(connection, "SELECT pg_catalog.pg_current_wal_lsn()", null, cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException(
                $"Replication slot '{_options.SlotName}' is at {new NpgsqlLogSequenceNumber(slot.Value.ConfirmedFlush)}, past the last position Sequin "
                + $"acknowledged ({new NpgsqlLogSequenceNumber(_highestAcknowledged)}): it was dropped and created again, or advanced by someone else, while "
                + $"Sequin was reading it. The changes committed between {new NpgsqlLogSequenceNumber(_highestAcknowledged)} and "
                + $"{new NpgsqlLogSequenceNumber(slot.Value.ConfirmedFlush)} were skipped and not delivered (current WAL position {current}). "
                + "Re-deliver the rows changed in that range from the tables (a backfill) if the sinks need them, then restart Sequin: it reads on from the slot's position.");
        }

        if (!_slotSeen)
        {
            await RecordSlotUseAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        _slotSeen = true;
        NoteAcknowledged(slot.Value.ConfirmedFlush);

        if (!string.Equals(slot.Value.Plugin, "pgoutput", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Replication slot '{_options.SlotName}' uses output plugin '{slot.Value.Plugin}'; Sequin needs a pgoutput slot.");
        }

        if (!string.Equals(slot.Value.Database, connection.Database, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"Replication slot '{_options.SlotName}' belongs to database '{slot.Value.Database}', not '{connection.Database}'.");
        }

        return slot.Value.ConfirmedFlush;
    }

    /// <summary>
    /// Reads the slot until <paramref name="cancellationToken"/> is cancelled, reconnecting after connection failures.
    /// Per transaction: <c>tracker.Begin</c> and <see cref="IChangeHandler.BeginTransaction"/>, then
    /// <see cref="IChangeHandler.HandleAsync"/> per change (reading pauses while it waits), then
    /// <see cref="IChangeHandler.CommitTransaction"/>. Every <see cref="ReplicationSourceOptions.StatusInterval"/> the
    /// tracker's confirmable position is reported to PostgreSQL.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled (the normal way to stop).</exception>
    /// <exception cref="InvalidOperationException">The slot or publication is missing or unusable (not retried).</exception>
    public async Task RunAsync(IChangeHandler handler, AckTracker tracker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(tracker);
        using var heartbeatStop = new CancellationTokenSource();
        using var heartbeatLink = LinkSafely(heartbeatStop, cancellationToken);
        var heartbeat = _options.HeartbeatInterval > TimeSpan.Zero ? HeartbeatLoopAsync(heartbeatStop.Token) : Task.CompletedTask;
        var attempt = 0;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Exception? failure = null;
                var session = new Session(this, handler, tracker);
                try
                {
                    var startLsn = await PrepareAsync(cancellationToken).ConfigureAwait(false);
                    await session.StreamAsync(startLsn, () => attempt = 0, cancellationToken).ConfigureAwait(false);
                    ReplicationLog.StreamEnded(_logger, _options.SlotName);
                }
                catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
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
                    session.AbandonOpenTransaction();
                }

                attempt++;
                var delay = BackoffDelay(attempt);
                LogReconnect(failure, delay, attempt);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            CancelSafely(heartbeatStop);
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
    /// Moves the slot's confirmed position forward to <paramref name="lsn"/> through <c>pg_replication_slot_advance</c>,
    /// for the final acknowledgement after <see cref="RunAsync"/> has stopped and the sinks have drained. Waits up to
    /// <paramref name="timeout"/> for the stopped replication connection to release the slot. A position at or
    /// below the slot's current one is left alone.
    /// </summary>
    /// <returns>True when the slot was advanced; false when it already was at or past <paramref name="lsn"/>.</returns>
    /// <exception cref="TimeoutException">The slot stayed in use by another connection for longer than <paramref name="timeout"/>.</exception>
    public async Task<bool> AdvanceSlotAsync(ulong lsn, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_normalConnectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var deadline = _timeProvider.GetUtcNow() + timeout;
        var wait = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var command = new NpgsqlCommand(
                "SELECT active, confirmed_flush_lsn FROM pg_catalog.pg_replication_slots WHERE slot_name = @p", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.AddWithValue("p", _options.SlotName);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            bool active;
            ulong confirmed;
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new InvalidOperationException($"Replication slot '{_options.SlotName}' does not exist.");
                }

                active = reader.GetBoolean(0);
                confirmed = reader.IsDBNull(1) ? 0UL : (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(1);
            }

            if (confirmed >= lsn)
            {
                await RecordAcknowledgedAsync(connection, lsn, cancellationToken).ConfigureAwait(false);
                return false;
            }

            if (!active)
            {
                var advance = new NpgsqlCommand("SELECT pg_catalog.pg_replication_slot_advance(@p, CAST(@lsn AS pg_lsn))", connection);
                await using var advanceScope = advance.ConfigureAwait(false);
                advance.Parameters.AddWithValue("p", _options.SlotName);
                advance.Parameters.AddWithValue("lsn", new NpgsqlLogSequenceNumber(lsn).ToString());
                try
                {
                    await advance.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    NoteAcknowledged(lsn);
                    await RecordAcknowledgedAsync(connection, lsn, cancellationToken).ConfigureAwait(false);
                    return true;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
                {
                    // The slot was taken between the check and the call; wait as if it were active.
                }
            }

            if (_timeProvider.GetUtcNow() >= deadline)
            {
                throw new TimeoutException($"Replication slot '{_options.SlotName}' stayed in use for {timeout.TotalSeconds:0.#} s; it was not advanced.");
            }

            await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 250));
        }
    }

    private async Task RecordAcknowledgedAsync(NpgsqlConnection connection, ulong lsn, CancellationToken cancellationToken)
    {
        if (!_slotSeen)
        {
            return;
        }

        try
        {
            await SlotMarker.RecordAcknowledgedAsync(connection, _options.SlotName, lsn, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            ReplicationLog.SlotMarkerUnavailable(_logger, _options.SlotName, SlotMarker.Table, e.MessageText);
        }
    }

    private async Task EmitStartHeartbeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EmitHeartbeatAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or IOException or SocketException or TimeoutException)
        {
            // Only makes the first message come sooner; the periodic heartbeat follows.
        }
    }

    /// <summary>Emits one heartbeat logical message now (also done every <see cref="ReplicationSourceOptions.HeartbeatInterval"/>).</summary>
    public async Task EmitHeartbeatAsync(CancellationToken cancellationToken)
    {
        var payload = string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"id\":\"{Guid.NewGuid()}\",\"emitted_at\":\"{PgValueJson.FormatUtc(_timeProvider.GetUtcNow())}\",\"version\":\"1\"}}");
        var connection = new NpgsqlConnection(_normalConnectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var command = new NpgsqlCommand("SELECT pg_catalog.pg_logical_emit_message(true, @prefix, @payload)", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddWithValue("prefix", HeartbeatPrefix);
        command.Parameters.AddWithValue("payload", payload);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
            ReplicationLog.ConnectionLost(_logger, _options.SlotName, failure is null ? "the server ended the replication stream" : Describe(failure), delayMs, attempt);
        }

        if (failure is not null && _logger.IsEnabled(LogLevel.Debug))
        {
            ReplicationLog.ConnectionLostDetail(_logger, failure, _options.SlotName);
        }
    }

    /// <summary>The messages of an exception and its causes, on one line (PostgreSQL errors with their SQLSTATE).</summary>
    internal static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var e = exception; e is not null && parts.Count < 4; e = e.InnerException)
        {
            var text = e is PostgresException pg ? $"{pg.MessageText} (SQLSTATE {pg.SqlState})" : e.Message;
            if (!string.IsNullOrWhiteSpace(text) && !parts.Contains(text, StringComparer.Ordinal))
            {
                parts.Add(text.TrimEnd('.'));
            }
        }

        return parts.Count == 0 ? exception.GetType().Name : string.Join(": ", parts);
    }

    /// <summary>Records that PostgreSQL confirmed (or was told) <paramref name="lsn"/> for the slot.</summary>
    internal void NoteAcknowledged(ulong lsn)
    {
        var current = Interlocked.Read(ref _highestAcknowledged);
        while (lsn > current)
        {
            var seen = Interlocked.CompareExchange(ref _highestAcknowledged, lsn, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>
    /// The slot is missing. If this source read it earlier in this run, or a host used it before (the durable
    /// <see cref="SlotMarker"/>), it was dropped and the changes after the last acknowledged position are lost from
    /// it: an error that names the range and the way out, whatever <c>create_if_not_exists</c> says.
    /// </summary>
    private async Task ThrowIfSlotWasUsedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var slot = _options.SlotName;
        var current = await ScalarAsync<NpgsqlLogSequenceNumber>(connection, "SELECT pg_catalog.pg_current_wal_lsn()", null, cancellationToken).ConfigureAwait(false);
        var accept = $"To accept the loss and start again from the current position, delete Sequin's record of the slot "
            + $"(DELETE FROM {SlotMarker.Table} WHERE slot_name = '{slot}') and restart: the slot is then created again if "
            + "slot.create_if_not_exists is true. Re-deliver the rows changed in the lost range from the tables (a backfill) if the sinks need them.";
        if (_slotSeen)
        {
            throw new InvalidOperationException(
                $"Replication slot '{slot}' was dropped while Sequin was reading it. The changes committed after the last acknowledged "
                + $"position {new NpgsqlLogSequenceNumber(Interlocked.Read(ref _highestAcknowledged))} up to {current} (the current WAL position) "
                + "were not all delivered and the slot that held them is gone; Sequin does not create it again, which would skip them silently. "
                + accept);
        }

        (DateTimeOffset FirstUsedAt, ulong? LastAcknowledged)? marker;
        try
        {
            marker = await SlotMarker.ReadAsync(connection, slot, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            ReplicationLog.SlotMarkerUnavailable(_logger, slot, SlotMarker.Table, e.MessageText);
            return;
        }

        if (marker is { } used)
        {
            var from = used.LastAcknowledged is { } lsn
                ? $"after {new NpgsqlLogSequenceNumber(lsn)} (acknowledged at the last graceful stop) or later"
                : "after the last position Sequin acknowledged (not recorded: the last run did not stop gracefully)";
            throw new InvalidOperationException(
                $"Replication slot '{slot}' does not exist, but Sequin has read it since {used.FirstUsedAt:u}: it was dropped. The changes committed "
                + $"{from} up to {current} (the current WAL position) may not have been delivered, and the slot that held them is gone; "
                + "Sequin does not create it again, which would skip them silently. " + accept);
        }
    }

    private async Task RecordSlotUseAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await SlotMarker.RecordAsync(connection, _options.SlotName, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            ReplicationLog.SlotMarkerUnavailable(_logger, _options.SlotName, SlotMarker.Table, e.MessageText);
        }
    }

    internal TimeSpan BackoffDelay(int attempt)
    {
        var baseMs = _options.ReconnectBaseDelay.TotalMilliseconds;
        var maxMs = _options.ReconnectMaxDelay.TotalMilliseconds;
        var exponent = Math.Min(attempt - 1, 30);
        var ms = Math.Min(maxMs, baseMs * Math.Pow(2, exponent));
#pragma warning disable CA5394 // Jitter needs no cryptographic randomness.
        var jitter = 1 + ((Random.Shared.NextDouble() * 0.3) - 0.15);
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(Math.Min(maxMs, ms * jitter));
    }

    /// <summary>
    /// Cancels <paramref name="target"/> when <paramref name="cancellationToken"/> is cancelled, without letting an
    /// exception thrown by a callback registered on the target (Npgsql's, mid-stream) reach whoever cancelled the caller's token.
    /// </summary>
    private static CancellationTokenRegistration LinkSafely(CancellationTokenSource target, CancellationToken cancellationToken) =>
        cancellationToken.Register(static state => CancelSafely((CancellationTokenSource)state!), target);

    private static void CancelSafely(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (AggregateException)
        {
            // A callback failed while cancelling; the cancellation itself took place.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static bool IsTransient(Exception e) =>
        e is NpgsqlException or IOException or SocketException or TimeoutException or EndOfStreamException
        || (e is OperationCanceledException && e.InnerException is TimeoutException or NpgsqlException);

    private async Task HeartbeatLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _timeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await EmitHeartbeatAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed heartbeat only delays the slot's advance; the next tick tries again.
                ReplicationLog.HeartbeatFailed(_logger, _options.SlotName, Describe(e));
            }
        }
    }

    private async Task<(string Plugin, string Database, ulong ConfirmedFlush)?> ReadSlotAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            "SELECT plugin, database, confirmed_flush_lsn FROM pg_catalog.pg_replication_slots WHERE slot_name = @p", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddWithValue("p", _options.SlotName);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var plugin = reader.IsDBNull(0) ? string.Empty : reader.GetString(0);
        var database = reader.IsDBNull(1) ? string.Empty : reader.GetString(1);
        var lsn = reader.IsDBNull(2) ? 0UL : (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(2);
        return (plugin, database, lsn);
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, string sql, string? parameter, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using var commandScope = command.ConfigureAwait(false);
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("p", parameter);
        }

        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>One replication connection: its relation cache and the transaction being read.</summary>
    private sealed class Session(ReplicationSource owner, IChangeHandler handler, AckTracker tracker)
    {
        private readonly Dictionary<uint, RelationInfo> _relations = [];
        private readonly PgTypeResolver _types = new();
        private TransactionInfo? _transaction;
        private int _commitIdx;
        private string? _annotations;
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);

        public async Task StreamAsync(ulong startLsn, Action onStarted, CancellationToken cancellationToken)
        {
            var options = owner._options;
            var metadata = new NpgsqlConnection(owner._normalConnectionString);
            await using var metadataScope = metadata.ConfigureAwait(false);
            await metadata.OpenAsync(cancellationToken).ConfigureAwait(false);
            var connection = new LogicalReplicationConnection(owner._normalConnectionString);
            await using var connectionScope = connection.ConfigureAwait(false);
            // Npgsql's own periodic feedback only repeats what SetReplicationStatus set (the confirmable position).
            connection.WalReceiverStatusInterval = options.StatusInterval;
            await connection.Open(cancellationToken).ConfigureAwait(false);

            using var stop = new CancellationTokenSource();
            using var link = LinkSafely(stop, cancellationToken);
            var status = StatusLoopAsync(connection, stop.Token);
            var startHeartbeat = Task.CompletedTask;
            try
            {
                var slot = new PgOutputReplicationSlot(options.SlotName);
                var pgOptions = new PgOutputReplicationOptions(options.PublicationName, PgOutputProtocolVersion.V1, binary: false, messages: true);
                // "Started" is logged once START_REPLICATION has succeeded, which the first message proves; a heartbeat
                // emitted now makes that first message come at once even when the tables are idle.
                var started = false;
                startHeartbeat = options.HeartbeatInterval > TimeSpan.Zero ? owner.EmitStartHeartbeatAsync(stop.Token) : Task.CompletedTask;
                await foreach (var message in connection.StartReplication(slot, pgOptions, stop.Token).ConfigureAwait(false))
                {
                    if (!started)
                    {
                        started = true;
                        onStarted();
                        if (owner._logger.IsEnabled(LogLevel.Information))
                        {
                            ReplicationLog.Started(owner._logger, options.SlotName, options.PublicationName, new NpgsqlLogSequenceNumber(startLsn));
                        }
                    }

                    await HandleMessageAsync(message, metadata, stop.Token).ConfigureAwait(false);
                }
            }
            finally
            {
                CancelSafely(stop);
                try
                {
                    await status.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                await startHeartbeat.ConfigureAwait(false);

                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
            }
        }

        /// <summary>
        /// The connection dropped inside a transaction: it will be sent again from the slot. Mark the partial copy
        /// committed at position 0 so it never blocks (nor advances) the tracker.
        /// </summary>
        public void AbandonOpenTransaction()
        {
            _transaction?.Commit(0);
            _transaction = null;
        }

        private async Task StatusLoopAsync(LogicalReplicationConnection connection, CancellationToken cancellationToken)
        {
            using var timer = new PeriodicTimer(owner._options.StatusInterval, owner._timeProvider);
            var retention = new WalRetentionMonitor(owner._options.WalLagWarningBytes, owner._options.UndeliveredAgeWarning);
            ulong reported = 0;
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var lsn = tracker.GetConfirmableLsn();
                if (lsn == 0)
                {
                    continue;
                }

                CheckRetention(retention, (ulong)connection.LastReceivedLsn, lsn);

                // Noted before it can reach PostgreSQL (Npgsql's own feedback repeats it): the slot may be at most here.
                owner.NoteAcknowledged(lsn);
                connection.SetReplicationStatus(new NpgsqlLogSequenceNumber(lsn));
                try
                {
                    await connection.SendStatusUpdate(cancellationToken).ConfigureAwait(false);
                    if (lsn != reported)
                    {
                        reported = lsn;
                        if (owner._logger.IsEnabled(LogLevel.Debug))
                        {
                            ReplicationLog.StatusSent(owner._logger, new NpgsqlLogSequenceNumber(lsn), owner._options.SlotName);
                        }
                    }
                }
                catch (InvalidOperationException)
                {
                    // Not streaming yet (or any more): the next tick retries.
                }
                catch (Exception e) when (e is NpgsqlException or IOException or ObjectDisposedException)
                {
                    ReplicationLog.StatusFailed(owner._logger, owner._options.SlotName, Describe(e));
                }
            }
        }

        private void CheckRetention(WalRetentionMonitor retention, ulong received, ulong confirmable)
        {
            var now = owner._timeProvider.GetUtcNow();
            var lag = received > confirmable ? (long)(received - confirmable) : 0;
            var oldest = tracker.OldestOpenCommitTimestamp;
            switch (retention.Check(now, lag, oldest))
            {
                case WalRetentionState.Warn:
                    ReplicationLog.WalRetained(owner._logger, owner._options.SlotName, lag, owner._options.WalLagWarningBytes, WalRetentionMonitor.AgeOf(now, oldest), owner._options.UndeliveredAgeWarning);
                    break;
                case WalRetentionState.Recovered:
                    ReplicationLog.WalRetentionRecovered(owner._logger, owner._options.SlotName, lag);
                    break;
            }
        }

        private async ValueTask HandleMessageAsync(PgOutputReplicationMessage message, NpgsqlConnection metadata, CancellationToken cancellationToken)
        {
            switch (message)
            {
                case BeginMessage begin:
                    _transaction = new TransactionInfo(
                        (ulong)begin.TransactionFinalLsn,
                        new DateTimeOffset(DateTime.SpecifyKind(begin.TransactionCommitTimestamp, DateTimeKind.Utc)),
                        begin.TransactionXid);
                    _commitIdx = 0;
                    _annotations = null;
                    tracker.Begin(_transaction);
                    handler.BeginTransaction(_transaction);
                    return;

                case CommitMessage commit:
                {
                    var transaction = RequireTransaction();
                    var endLsn = (ulong)commit.TransactionEndLsn;
                    _transaction = null;
                    handler.CommitTransaction(transaction, endLsn);
                    transaction.Commit(endLsn);
                    return;
                }

                case RelationMessage relation:
                    await OnRelationAsync(relation, metadata, cancellationToken).ConfigureAwait(false);
                    return;

                case InsertMessage insert:
                {
                    var relation = Relation(insert.Relation.RelationId);
                    var row = await ReadRowAsync(relation, insert.NewRow, ColumnValue.Null, cancellationToken).ConfigureAwait(false);
                    await EmitAsync(ChangeAction.Insert, row, null, cancellationToken).ConfigureAwait(false);
                    return;
                }

                case FullUpdateMessage full:
                {
                    var relation = Relation(full.Relation.RelationId);
                    var old = await ReadRowAsync(relation, full.OldRow, ColumnValue.Null, cancellationToken).ConfigureAwait(false);
                    var row = await ReadRowAsync(relation, full.NewRow, ColumnValue.Null, cancellationToken).ConfigureAwait(false);
                    await EmitAsync(ChangeAction.Update, row, old, cancellationToken).ConfigureAwait(false);
                    return;
                }

                case IndexUpdateMessage keyChanged:
                {
                    // The old key only: the other columns were not sent, so they must not show up in `changes`.
                    var relation = Relation(keyChanged.Relation.RelationId);
                    var old = await ReadRowAsync(relation, keyChanged.Key, ColumnValue.UnchangedToast, cancellationToken).ConfigureAwait(false);
                    var row = await ReadRowAsync(relation, keyChanged.NewRow, ColumnValue.Null, cancellationToken).ConfigureAwait(false);
                    await EmitAsync(ChangeAction.Update, row, old, cancellationToken).ConfigureAwait(false);
                    return;
                }

                case DefaultUpdateMessage update:
                {
                    var relation = Relation(update.Relation.RelationId);
                    var row = await ReadRowAsync(relation, update.NewRow, ColumnValue.Null, cancellationToken).ConfigureAwait(false);
                    await EmitAsync(ChangeAction.Update, row, null, cancellationToken).ConfigureAwait(false);
                    return;
                }

                case KeyDeleteMessage keyDelete:
                {
                    var relation = Relation(keyDelete.Relation.RelationId);
                    var row = await ReadRowAsync(relation, keyDelete.Key, ColumnValue.Null, cancellationToken).ConfigureAwait(false);
                    await EmitAsync(ChangeAction.Delete, row, null, cancellationToken).ConfigureAwait(false);
                    return;
                }

                case FullDeleteMessage fullDelete:
                {
                    var relation = Relation(fullDelete.Relation.RelationId);
                    var row = await ReadRowAsync(relation, fullDelete.OldRow, ColumnValue.Null, cancellationToken).ConfigureAwait(false);
                    await EmitAsync(ChangeAction.Delete, row, null, cancellationToken).ConfigureAwait(false);
                    return;
                }

                case TruncateMessage truncate:
                    foreach (var truncated in truncate.Relations)
                    {
                        var relation = Relation(truncated.RelationId);
                        var nulls = new RowImage(relation, new ColumnValue[relation.Columns.Count]);
                        await EmitAsync(ChangeAction.Truncate, nulls, null, cancellationToken).ConfigureAwait(false);
                    }

                    return;

                case LogicalDecodingMessage logical:
                    await OnLogicalMessageAsync(logical, cancellationToken).ConfigureAwait(false);
                    return;

                default:
                    // Type (resolved at the Relation message instead) and Origin messages carry nothing we deliver.
                    return;
            }
        }

        private async ValueTask OnRelationAsync(RelationMessage message, NpgsqlConnection metadata, CancellationToken cancellationToken)
        {
            var count = message.Columns.Count;
            var typeOids = new List<uint>(count);
            for (var i = 0; i < count; i++)
            {
                typeOids.Add(message.Columns[i].DataTypeId);
            }

            await _types.ResolveAsync(metadata, typeOids, cancellationToken).ConfigureAwait(false);

            // With REPLICA IDENTITY FULL pgoutput flags every column as key; the primary key is what record_pks means.
            HashSet<string>? primaryKey = null;
            if (message.ReplicaIdentity == RelationMessage.ReplicaIdentitySetting.AllColumns)
            {
                primaryKey = await PrimaryKeyAsync(metadata, message.RelationId, cancellationToken).ConfigureAwait(false);
            }

            var columns = new RelationColumn[count];
            for (var i = 0; i < count; i++)
            {
                var column = message.Columns[i];
                var resolved = _types.Get(column.DataTypeId);
                var isKey = primaryKey is null
                    ? (column.Flags & RelationMessage.Column.ColumnFlags.PartOfKey) != 0
                    : primaryKey.Contains(column.ColumnName);
                columns[i] = new RelationColumn(column.ColumnName, resolved.CastTypeOid, column.TypeModifier, isKey)
                {
                    ElementTypeOid = resolved.ElementTypeOid,
                };
            }

            var info = new RelationInfo(message.RelationId, message.Namespace, message.RelationName, columns);
            _relations[message.RelationId] = info;
            if (owner._logger.IsEnabled(LogLevel.Debug))
            {
                ReplicationLog.RelationReceived(owner._logger, info.QualifiedName, info.Oid, count);
            }
        }

        private static async Task<HashSet<string>> PrimaryKeyAsync(NpgsqlConnection connection, uint relationId, CancellationToken cancellationToken)
        {
            var command = new NpgsqlCommand(
                """
                SELECT a.attname FROM pg_catalog.pg_index i
                JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = @oid AND i.indisprimary
                """,
                connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.AddWithValue("oid", NpgsqlDbType.Oid, relationId);
            var names = new HashSet<string>(StringComparer.Ordinal);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }

            return names;
        }

        private async ValueTask OnLogicalMessageAsync(LogicalDecodingMessage message, CancellationToken cancellationToken)
        {
            var prefix = message.Prefix;
            var transactional = (message.Flags & 1) != 0;
            if (transactional && _transaction is not null)
            {
                _commitIdx++; // logical messages take a position inside the transaction, like changes
            }

            if (string.Equals(prefix, HeartbeatPrefix, StringComparison.Ordinal))
            {
                if (owner._logger.IsEnabled(LogLevel.Debug))
                {
                    ReplicationLog.HeartbeatReceived(owner._logger, owner._options.SlotName, message.MessageLsn);
                }

                return;
            }

            if (!transactional || _transaction is null)
            {
                return;
            }

            if (string.Equals(prefix, AnnotationsClearPrefix, StringComparison.Ordinal))
            {
                _annotations = null;
                return;
            }

            if (!string.Equals(prefix, AnnotationsSetPrefix, StringComparison.Ordinal))
            {
                return; // someone else's message
            }

            var text = await ReadStreamAsync(message.Data, cancellationToken).ConfigureAwait(false);
            try
            {
                using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxInitialJsonDepth });
                _annotations = document.RootElement.GetRawText();
            }
            catch (JsonException e)
            {
                if (owner._logger.IsEnabled(LogLevel.Warning))
                {
                    ReplicationLog.InvalidAnnotations(owner._logger, _transaction.Xid, e.Message);
                }

                _annotations = null;
            }
        }

        private ValueTask EmitAsync(ChangeAction action, RowImage record, RowImage? old, CancellationToken cancellationToken)
        {
            var transaction = RequireTransaction();
            if (string.Equals(record.Relation.Schema, SlotMarker.Schema, StringComparison.Ordinal))
            {
                return ValueTask.CompletedTask; // Sequin's own state, never delivered
            }

            var message = new ChangeMessage(action, record, old, transaction, _commitIdx++, owner._source, _annotations);
            return handler.HandleAsync(message, cancellationToken);
        }

        private TransactionInfo RequireTransaction() =>
            _transaction ?? throw new InvalidOperationException("A change arrived outside a transaction (no Begin message).");

        private RelationInfo Relation(uint relationId) =>
            _relations.TryGetValue(relationId, out var relation)
                ? relation
                : throw new InvalidOperationException($"A change for relation {relationId} arrived before its Relation message.");

        private async ValueTask<RowImage> ReadRowAsync(RelationInfo relation, ReplicationTuple tuple, ColumnValue nullAs, CancellationToken cancellationToken)
        {
            var values = new ColumnValue[relation.Columns.Count];
            var i = 0;
            await foreach (var value in tuple.ConfigureAwait(false))
            {
                if (i >= values.Length)
                {
                    throw new InvalidOperationException($"Row of {relation.QualifiedName} has more values than its {values.Length} columns.");
                }

                values[i++] = value.Kind switch
                {
                    TupleDataKind.Null => nullAs,
                    TupleDataKind.UnchangedToastedValue => ColumnValue.UnchangedToast,
                    _ => ColumnValue.FromText(await ReadValueTextAsync(value, cancellationToken).ConfigureAwait(false)),
                };
            }

            return new RowImage(relation, values);
        }

        private async ValueTask<string> ReadValueTextAsync(ReplicationValue value, CancellationToken cancellationToken)
        {
            var length = value.Length;
            if (length == 0)
            {
                _ = value.GetStream();
                return string.Empty;
            }

            var stream = value.GetStream();
            await using (stream.ConfigureAwait(false))
            {
                return await ReadExactlyAsync(stream, length, cancellationToken).ConfigureAwait(false);
            }
        }

        private async ValueTask<string> ReadStreamAsync(Stream stream, CancellationToken cancellationToken)
        {
            var length = 0;
            while (true)
            {
                if (length == _buffer.Length)
                {
                    Grow(length * 2);
                }

                var n = await stream.ReadAsync(_buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                length += n;
            }

            return Encoding.UTF8.GetString(_buffer, 0, length);
        }

        private async ValueTask<string> ReadExactlyAsync(Stream stream, int length, CancellationToken cancellationToken)
        {
            if (_buffer.Length < length)
            {
                Grow(length);
            }

            await stream.ReadExactlyAsync(_buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            return Encoding.UTF8.GetString(_buffer, 0, length);
        }

        private void Grow(int minimum)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(minimum, _buffer.Length * 2));
            _buffer.AsSpan().CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
    }
}
