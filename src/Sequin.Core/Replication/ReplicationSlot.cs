using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Sequin.Replication;

/// <summary>
/// The slot one source reads, as that source knows it during a run: it checks (or creates) the slot before each
/// connection, remembers the highest position that was the slot's or that was acknowledged since, and refuses to go
/// on when the slot later disappears or shows a position past that one, since changes were then lost. It also keeps
/// the durable <see cref="SlotMarker"/> that lets the next run recognise a slot dropped while no host ran.
/// </summary>
internal sealed class ReplicationSlot
{
    private readonly ReplicationSourceOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private bool _seen;
    private volatile bool _streamedSinceSeen;
    private ulong _highestAcknowledged;

    /// <summary>Creates the slot's guard; nothing is read until <see cref="PrepareAsync"/>.</summary>
    public ReplicationSlot(ReplicationSourceOptions options, ILogger logger, TimeProvider timeProvider)
    {
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider;
    }

    private string Name => _options.SlotName;

    /// <summary>
    /// Checks the slot (creating it when missing, never used and allowed to) and returns its confirmed flush position:
    /// where reading resumes.
    /// </summary>
    /// <exception cref="InvalidOperationException">The slot is missing and may not be created, lost changes, is not pgoutput or belongs to another database.</exception>
    public async Task<ulong> PrepareAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var slot = await CatalogQueries.ReadSlotAsync(connection, Name, cancellationToken).ConfigureAwait(false);
        if (slot is null)
        {
            await ThrowIfUsedBeforeAsync(connection, cancellationToken).ConfigureAwait(false);
            slot = await CreateAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        else if (_options.SlotFailover && !slot.Value.Failover)
        {
            throw FailoverNotEnabled(slot.Value.ServerVersion, connection.Database);
        }
        else if (slot.Value.Invalidation is { } reason)
        {
            var current = await CatalogQueries.CurrentWalLsnAsync(connection, cancellationToken).ConfigureAwait(false);
            var error = SlotLoss.Invalidated(Name, reason, slot.Value.ConfirmedFlush, current);
            _options.Status.OnSlotInvalidated(reason, error.Message);
            throw error;
        }
        else if (_seen && _streamedSinceSeen && slot.Value.ConfirmedFlush > _highestAcknowledged)
        {
            var current = await CatalogQueries.CurrentWalLsnAsync(connection, cancellationToken).ConfigureAwait(false);
            throw SlotLoss.MovedPastAcknowledged(Name, slot.Value.ConfirmedFlush, _highestAcknowledged, current);
        }

        if (!_seen)
        {
            await WithMarkerAsync(SlotMarker.RecordAsync(connection, Name, cancellationToken)).ConfigureAwait(false);
        }

        _seen = true;
        _streamedSinceSeen = false;
        NoteAcknowledged(slot.Value.ConfirmedFlush);

        if (!string.Equals(slot.Value.Plugin, "pgoutput", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Replication slot '{Name}' uses output plugin '{slot.Value.Plugin}'; Sequin needs a pgoutput slot.");
        }

        if (!string.Equals(slot.Value.Database, connection.Database, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Replication slot '{Name}' belongs to database '{slot.Value.Database}', not '{connection.Database}'.");
        }

        return slot.Value.ConfirmedFlush;
    }

    /// <summary>
    /// This host's replication started on the slot: from now on only this host moves it, so a later position past what
    /// it acknowledged means the slot was lost. Until then another reader may hold it (a fenced leader finishing its
    /// last acknowledgement while this host takes over) and move it forward legitimately.
    /// </summary>
    public void OnStreaming() => _streamedSinceSeen = true;

    /// <summary>Records that PostgreSQL confirmed (or was told) <paramref name="lsn"/> for the slot: it may be at most there.</summary>
    public void NoteAcknowledged(ulong lsn)
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
    /// Moves the slot's confirmed position forward to <paramref name="lsn"/> through <c>pg_replication_slot_advance</c>,
    /// waiting up to <paramref name="timeout"/> for a stopped replication connection to release it, and records the
    /// position in the slot's marker. A position at or below the slot's current one is left alone.
    /// </summary>
    /// <returns>True when the slot was advanced; false when it already was at or past <paramref name="lsn"/>.</returns>
    /// <exception cref="TimeoutException">The slot stayed in use by another connection for longer than <paramref name="timeout"/>.</exception>
    public async Task<bool> AdvanceAsync(ulong lsn, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_options.ConnectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var deadline = _timeProvider.GetUtcNow() + timeout;
        var wait = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var (active, confirmed) = await ReadActivityAsync(connection, cancellationToken).ConfigureAwait(false);
            if (confirmed >= lsn)
            {
                await RecordAcknowledgedAsync(connection, lsn, cancellationToken).ConfigureAwait(false);
                return false;
            }

            if (!active)
            {
                var advance = new NpgsqlCommand("SELECT pg_catalog.pg_replication_slot_advance(@p, CAST(@lsn AS pg_lsn))", connection);
                await using var advanceScope = advance.ConfigureAwait(false);
                advance.Parameters.AddWithValue("p", Name);
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
                throw new TimeoutException($"Replication slot '{Name}' stayed in use for {timeout.TotalSeconds:0.#} s; it was not advanced.");
            }

            await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            wait = TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds * 2, 250));
        }
    }

    private async Task<(bool Active, ulong Confirmed)> ReadActivityAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT active, confirmed_flush_lsn FROM pg_catalog.pg_replication_slots WHERE slot_name = @p", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddWithValue("p", Name);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Replication slot '{Name}' does not exist.");
        }

        return (reader.GetBoolean(0), reader.IsDBNull(1) ? 0UL : (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(1));
    }

    private async Task<CatalogQueries.SlotRow> CreateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (!_options.CreateSlotIfNotExists)
        {
            throw new InvalidOperationException(
                $"Replication slot '{Name}' does not exist in database '{connection.Database}'. Create it "
                + $"(SELECT pg_create_logical_replication_slot('{Name}', 'pgoutput')), or set slot.create_if_not_exists: true.");
        }

        if (_options.SlotFailover)
        {
            var version = await CatalogQueries.ServerVersionNumAsync(connection, cancellationToken).ConfigureAwait(false);
            if (version < 170000)
            {
                throw FailoverNotEnabled(version, connection.Database);
            }
        }

        try
        {
            // Arguments: name, plugin, temporary, two_phase, failover (17+).
            var create = new NpgsqlCommand(
                _options.SlotFailover
                    ? "SELECT pg_catalog.pg_create_logical_replication_slot(@p, 'pgoutput', false, false, true)"
                    : "SELECT pg_catalog.pg_create_logical_replication_slot(@p, 'pgoutput')",
                connection);
            await using var createScope = create.ConfigureAwait(false);
            create.Parameters.AddWithValue("p", Name);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            ReplicationLog.SlotCreated(_logger, Name);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            // Created concurrently: fine.
        }

        return await CatalogQueries.ReadSlotAsync(connection, Name, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Replication slot '{Name}' vanished right after it was created.");
    }

    /// <summary>slot.failover is set, but the server cannot (before 17) or the existing slot does not synchronise to standbys.</summary>
    private InvalidOperationException FailoverNotEnabled(int serverVersion, string database) =>
        serverVersion < 170000
            ? new InvalidOperationException(
                $"slot.failover is true, but failover slots need PostgreSQL 17 or later (the server of slot '{Name}' is {serverVersion / 10000}). "
                + "Remove slot.failover (a failover of this server then loses the slot), or upgrade PostgreSQL.")
            : new InvalidOperationException(
                $"slot.failover is true, but replication slot '{Name}' exists without failover, so standbys do not keep a copy of it. "
                + $"Enable it on a replication connection while Sequin is stopped: psql \"dbname={database} replication=database\" -c 'ALTER_REPLICATION_SLOT {Name} ( FAILOVER true )', "
                + "then start Sequin again (or remove slot.failover).");

    /// <summary>
    /// The slot is missing. If this source read it earlier in this run, or a host used it before (its marker), it was
    /// dropped with changes not yet delivered: an error naming the range, whatever <c>create_if_not_exists</c> says.
    /// </summary>
    private async Task ThrowIfUsedBeforeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var current = await CatalogQueries.CurrentWalLsnAsync(connection, cancellationToken).ConfigureAwait(false);
        if (_seen)
        {
            throw SlotLoss.DroppedWhileReading(Name, Interlocked.Read(ref _highestAcknowledged), current);
        }

        (DateTimeOffset FirstUsedAt, ulong? LastAcknowledged)? marker;
        try
        {
            marker = await SlotMarker.ReadAsync(connection, Name, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            ReplicationLog.SlotMarkerUnavailable(_logger, Name, SlotMarker.Table, e.MessageText);
            return;
        }

        if (marker is { } used)
        {
            throw SlotLoss.DroppedSinceLastRun(Name, used.FirstUsedAt, used.LastAcknowledged, current);
        }
    }

    private Task RecordAcknowledgedAsync(NpgsqlConnection connection, ulong lsn, CancellationToken cancellationToken) =>
        _seen ? WithMarkerAsync(SlotMarker.RecordAcknowledgedAsync(connection, Name, lsn, cancellationToken)) : Task.CompletedTask;

    /// <summary>Awaits a write to the slot's marker; a role that may not write it gets a warning, and reading goes on.</summary>
    private async Task WithMarkerAsync(Task write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            ReplicationLog.SlotMarkerUnavailable(_logger, Name, SlotMarker.Table, e.MessageText);
        }
    }
}
