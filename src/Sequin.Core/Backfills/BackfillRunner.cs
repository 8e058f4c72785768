using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sequin.Messages;
using Sequin.Pipeline;

namespace Sequin.Backfills;

/// <summary>
/// Runs one backfill for one sink: reads pages in keyset order (page size adapting to the time budget), and for each
/// opens the page with the <see cref="BackfillCoordinator"/> before reading it, then writes its watermark. At most
/// <see cref="BackfillOptions.MaxPagesInFlight"/> pages are read and not yet delivered; the cursor and counters are saved
/// in <see cref="BackfillStore"/> when a page's read messages are all delivered, in page order, so a restart resumes at
/// the first page not fully delivered (its rows may be delivered again: at least once).
/// </summary>
internal sealed class BackfillRunner
{
    private readonly BackfillRecord _record;
    private readonly string _connectionString;
    private readonly BackfillStore _store;
    private readonly SinkConsumer _consumer;
    private readonly BackfillCoordinator _coordinator;
    private readonly SourceDatabaseInfo _source;
    private readonly BackfillOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly string _keyPrefix;
    private long _rowsRead;
    private long _rowsDelivered;
    private long _superseded;
    private Task _saving = Task.CompletedTask;

    /// <summary>Creates the runner of <paramref name="record"/>.</summary>
    public BackfillRunner(
        BackfillRecord record,
        string connectionString,
        BackfillStore store,
        SinkConsumer consumer,
        BackfillCoordinator coordinator,
        SourceDatabaseInfo source,
        BackfillOptions options,
        ILogger logger,
        TimeProvider time)
    {
        _record = record;
        _connectionString = connectionString;
        _store = store;
        _consumer = consumer;
        _coordinator = coordinator;
        _source = source;
        _options = options;
        _logger = logger;
        _time = time;
        _keyPrefix = record.Id.ToString() + ":";
        _rowsRead = record.RowsRead;
        _rowsDelivered = record.RowsDelivered;
    }

    /// <summary>The backfill's id.</summary>
    public Guid Id => _record.Id;

    /// <summary>
    /// Reads and emits pages until the table is done (the backfill is then marked completed), or until cancelled.
    /// Pages opened and not yet at their watermark are closed when it returns; their rows are read again on resume.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="InvalidOperationException">The table or sort column is unusable (the caller marks the backfill failed).</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = "sequin-backfill", MaxAutoPrepare = 4 }.ConnectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var request = _record.Request;
        var table = await BackfillTable.LoadAsync(connection, request, cancellationToken).ConfigureAwait(false);
        if (!SinkTables.Takes(_consumer, table.Relation))
        {
            throw new BackfillFailedException($"Sink '{_consumer.Name}' does not take table {table.Relation.QualifiedName} (its source filter leaves it out).");
        }

        var estimated = _record.RowsEstimated;
        if (estimated is null)
        {
            estimated = await EstimateRowsAsync(connection, table, cancellationToken).ConfigureAwait(false);
            await _store.SetEstimateAsync(_record.Id, estimated.Value, cancellationToken).ConfigureAwait(false);
        }

        var kind = request.Kind == BackfillKind.Full ? "full" : "partial";
        BackfillLog.Started(_logger, _record.Id, table.Relation.QualifiedName, _record.Sink, kind, estimated, _record.Cursor is not null);
        var reader = new KeysetPageReader(table, request);
        var sizer = new PageSizer(_options.InitialPageSize, _options.MaxPageSize, _options.PageTimeBudget);
        var inFlight = new Queue<(BackfillPage Page, string[] Cursor, int Rows)>();
        var cursor = _record.Cursor;
        var started = _time.GetTimestamp();
        var startRows = _rowsRead;
        var lastProgress = started;
        var readThisRun = 0L;
        try
        {
            while (true)
            {
                while (inFlight.Count >= _options.MaxPagesInFlight)
                {
                    await SettleOldestAsync(inFlight, cancellationToken).ConfigureAwait(false);
                }

                var page = new BackfillPage(table, Guid.NewGuid(), EmitAsync);
                _coordinator.Open(page);
                var size = sizer.Size;
                var watch = Stopwatch.StartNew();
                List<RowImage> rows;
                try
                {
                    rows = await reader.ReadAsync(connection, cursor, size, _record.Id, page.BatchId, cancellationToken).ConfigureAwait(false);
                    sizer.Record(size, rows.Count, watch.Elapsed);
                    if (rows.Count == 0)
                    {
                        _coordinator.Close(page); // its watermark is ignored
                        break;
                    }

                    page.SetRows(rows);
                }
                catch
                {
                    _coordinator.Close(page);
                    throw;
                }

                cursor = reader.CursorOf(rows[^1]);
                inFlight.Enqueue((page, (string[])cursor, rows.Count));
                readThisRun += rows.Count;
                if (_time.GetElapsedTime(lastProgress) >= _options.ProgressInterval)
                {
                    lastProgress = _time.GetTimestamp();
                    LogProgress(table, startRows + readThisRun, Rate(readThisRun, started), estimated, sizer.Size);
                }

                if (rows.Count < size)
                {
                    break; // a short page is the last one
                }
            }

            while (inFlight.Count > 0)
            {
                await SettleOldestAsync(inFlight, cancellationToken).ConfigureAwait(false);
            }

            await _saving.ConfigureAwait(false);
        }
        finally
        {
            foreach (var (page, _, _) in inFlight)
            {
                _coordinator.Close(page);
            }

            await ObserveSavingAsync().ConfigureAwait(false);
        }

        await _store.FinishAsync(_record.Id, BackfillStatus.Completed, null, cancellationToken).ConfigureAwait(false);
        var rate = Rate(readThisRun, started);
        BackfillLog.Completed(_logger, _record.Id, table.Relation.QualifiedName, _record.Sink, _rowsRead, _rowsDelivered, _superseded, rate);
    }

    /// <summary>
    /// base64 of <c>"&lt;backfill_id&gt;:&lt;pk1&gt;:&lt;pk2&gt;…"</c>, the idempotency key of a read message: the texts of
    /// <paramref name="row"/>'s columns at <paramref name="primaryKey"/> after <paramref name="prefix"/>.
    /// </summary>
    internal static string IdempotencyKey(string prefix, RowImage row, IReadOnlyList<int> primaryKey)
    {
        var length = Encoding.UTF8.GetByteCount(prefix) + Math.Max(0, primaryKey.Count - 1);
        for (var i = 0; i < primaryKey.Count; i++) // not foreach: an interface enumerator per row
        {
            length += Encoding.UTF8.GetByteCount(row[primaryKey[i]].Text ?? string.Empty);
        }

        // One buffer for the UTF-8 text and its base64 (encoded in place), one string: this runs for every backfilled row.
        var encodedLength = Base64.GetMaxEncodedToUtf8Length(length);
        var rented = encodedLength <= 512 ? null : ArrayPool<byte>.Shared.Rent(encodedLength);
        Span<byte> buffer = rented ?? stackalloc byte[512];
        try
        {
            var at = Encoding.UTF8.GetBytes(prefix, buffer);
            for (var i = 0; i < primaryKey.Count; i++)
            {
                if (i > 0)
                {
                    buffer[at++] = (byte)':';
                }

                at += Encoding.UTF8.GetBytes(row[primaryKey[i]].Text ?? string.Empty, buffer[at..]);
            }

            Base64.EncodeToUtf8InPlace(buffer, at, out var written);
            return Encoding.ASCII.GetString(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static async Task<long> EstimateRowsAsync(NpgsqlConnection connection, BackfillTable table, CancellationToken cancellationToken)
    {
        // The planner's estimate when the table was analyzed (cheap on any size); an exact count otherwise.
        var command = new NpgsqlCommand("select reltuples::bigint from pg_catalog.pg_class where oid = @oid", connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("oid", NpgsqlTypes.NpgsqlDbType.Oid, table.Relation.Oid);
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long estimate && estimate >= 0)
            {
                return estimate;
            }
        }

        var relation = table.Relation;
        var count = new NpgsqlCommand($"select count(*) from {BackfillTable.Quote(relation.Schema)}.{BackfillTable.Quote(relation.Table)}", connection);
        await using (count.ConfigureAwait(false))
        {
            return (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
        }
    }

    private double Rate(long rows, long started)
    {
        var seconds = _time.GetElapsedTime(started).TotalSeconds;
        return seconds > 0 ? rows / seconds : 0;
    }

    private void LogProgress(BackfillTable table, long read, double rate, long? estimated, int pageSize)
    {
        var progress = new BackfillProgress(read, Interlocked.Read(ref _rowsDelivered), estimated, rate);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var remaining = progress.Remaining is { } left ? left.ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture) : "unknown";
            BackfillLog.Progress(_logger, _record.Id, table.Relation.QualifiedName, _record.Sink, read, progress.RowsDelivered, rate, remaining, pageSize);
        }
    }

    // A settled page's cursor is saved while the next pages are read (a save per page on the reading loop cost ~10 % of
    // a backfill's time); one save at a time, in page order. A restart resumes at the last save that completed.
    private async Task SettleOldestAsync(Queue<(BackfillPage Page, string[] Cursor, int Rows)> inFlight, CancellationToken cancellationToken)
    {
        var (page, cursor, rows) = inFlight.Peek();
        var delivered = await page.Delivered.WaitAsync(cancellationToken).ConfigureAwait(false);
        inFlight.Dequeue();
        _rowsRead += rows;
        Interlocked.Add(ref _rowsDelivered, delivered);
        _superseded += page.Superseded;
        await _saving.ConfigureAwait(false);
        _saving = _store.SaveProgressAsync(_record.Id, cursor, _rowsRead, Interlocked.Read(ref _rowsDelivered), cancellationToken);
    }

    // The run is over: the save in progress, if any, ends before the runner returns. When the run finished it has awaited
    // the save already (a failed save fails the run); after a failure or cancellation the run's own error is reported.
    private async Task ObserveSavingAsync()
    {
        try
        {
            await _saving.ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            // ignored: see above
        }
    }

    // Runs on the replication reader at the page's watermark: waits while the sink's buffer is full (backpressure).
    private async ValueTask EmitAsync(BackfillPage page, IReadOnlyList<RowImage> rows, ulong watermarkLsn, CancellationToken cancellationToken)
    {
        var count = rows.Count;
        var transaction = new TransactionInfo(watermarkLsn, _time.GetUtcNow(), 0) { Completed = () => page.OnDelivered(count) };
        var table = page.Table;
        try
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var key = IdempotencyKey(_keyPrefix, rows[i], table.PrimaryKeyIndexes);
                await _consumer.EnqueueDeferredAsync(new ChangeMessage(ChangeAction.Read, rows[i], transaction, i, _source, key), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _consumer.WakePartitions(); // once for the page
        }

        transaction.Commit(watermarkLsn);
    }
}
