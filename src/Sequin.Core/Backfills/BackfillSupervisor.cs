using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using Sequin.Messages;
using Sequin.Pipeline;

namespace Sequin.Backfills;

/// <summary>
/// Runs the backfills of one database's sinks: creates each sink's <c>initial_backfill</c> once, then every
/// <see cref="BackfillOptions.PollInterval"/> starts a <see cref="BackfillRunner"/> for each active backfill in
/// <see cref="BackfillStore"/> (those created by config, by <c>sequin backfill start</c>, or interrupted by a restart,
/// which resume from their cursor) and stops those cancelled with <c>sequin backfill cancel</c>.
/// </summary>
internal sealed class BackfillSupervisor
{
    private readonly string _database;
    private readonly string _connectionString;
    private readonly string _publication;
    private readonly SourceDatabaseInfo _source;
    private readonly ConcurrentDictionary<string, SinkConsumer> _consumers;
    private readonly ConcurrentDictionary<string, InitialBackfill> _initial;
    private readonly BackfillCoordinator _coordinator;
    private readonly BackfillOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<Guid, Running> _running = new();

    /// <summary>Creates the supervisor of one database.</summary>
    public BackfillSupervisor(
        string database,
        string connectionString,
        string publication,
        SourceDatabaseInfo source,
        IEnumerable<SinkConsumer> consumers,
        IReadOnlyDictionary<string, InitialBackfill> initial,
        BackfillCoordinator coordinator,
        BackfillOptions options,
        ILogger logger,
        TimeProvider time)
    {
        options.Validate();
        _database = database;
        _connectionString = connectionString;
        _publication = publication;
        _source = source;
        _consumers = new(consumers.Select(c => KeyValuePair.Create(c.Name, c)), StringComparer.Ordinal);
        _initial = new(initial, StringComparer.Ordinal);
        _coordinator = coordinator;
        _options = options;
        _logger = logger;
        _time = time;
    }

    /// <summary>The ids of the backfills running now.</summary>
    public IReadOnlyCollection<Guid> RunningBackfills => [.. _running.Keys];

    /// <summary>
    /// A sink added or replaced by a live configuration change: its backfills (those stopped by <see cref="DetachAsync"/>
    /// resume from their cursor) run on <paramref name="consumer"/> from the next poll, and its initial backfill, if any,
    /// is created then (once per sink name, as at start).
    /// </summary>
    public void Attach(SinkConsumer consumer, InitialBackfill? initial)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        _consumers[consumer.Name] = consumer;
        if (initial is not null)
        {
            _initial[consumer.Name] = initial;
        }
    }

    /// <summary>
    /// A sink removed or being replaced by a live configuration change: no backfill runs on its consumer any more. Its
    /// running backfills are stopped (not cancelled: they stay active in <c>sequin_state.backfills</c> and resume when a
    /// consumer of the name is attached again). Returns once they have stopped.
    /// </summary>
    public async Task DetachAsync(string sink)
    {
        _consumers.TryRemove(sink, out _);
        _initial.TryRemove(sink, out _);
        var stopping = _running.Values.Where(r => string.Equals(r.Sink, sink, StringComparison.Ordinal)).ToList();
        foreach (var running in stopping)
        {
            await running.StopAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(stopping.Select(r => r.Task)).ConfigureAwait(false);
    }

    /// <summary>Runs until cancelled; never fails otherwise (errors are logged and retried at the next poll).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var store = new BackfillStore(_connectionString);
        await using var storeScope = store.ConfigureAwait(false);
        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        try
        {
            do
            {
                try
                {
                    if (!_initial.IsEmpty)
                    {
                        await CreateInitialAsync(store, cancellationToken).ConfigureAwait(false);
                    }

                    await PollAsync(store, cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Backfills must never stop the host: whatever failed is logged and tried again at the next poll.
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    BackfillLog.PollFailed(_logger, _database, e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var running in _running.Values)
            {
                await running.StopAsync().ConfigureAwait(false);
            }

            await Task.WhenAll(_running.Values.Select(r => r.Task)).ConfigureAwait(false);
        }
    }

    private async Task CreateInitialAsync(BackfillStore store, CancellationToken cancellationToken)
    {
        foreach (var (sink, initial) in _initial)
        {
            if (!_consumers.TryGetValue(sink, out var consumer))
            {
                _initial.TryRemove(KeyValuePair.Create(sink, initial));
                continue;
            }

            var requests = initial.AllTables ? await PublishedTablesAsync(consumer, cancellationToken).ConfigureAwait(false) : initial.Tables;
            var created = await store.CreateInitialAsync(sink, requests, cancellationToken).ConfigureAwait(false);
            _initial.TryRemove(KeyValuePair.Create(sink, initial));
            if (created.Count > 0)
            {
                BackfillLog.InitialCreated(_logger, sink, created.Count);
            }
        }
    }

    private async Task<IReadOnlyList<BackfillRequest>> PublishedTablesAsync(SinkConsumer consumer, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        await using var connectionScope = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var command = new NpgsqlCommand("select schemaname, tablename from pg_catalog.pg_publication_tables where pubname = @p order by 1, 2", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddWithValue("p", _publication);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        var tables = new List<BackfillRequest>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var (schema, table) = (reader.GetString(0), reader.GetString(1));
            if (SinkTables.Takes(consumer, new RelationInfo(0, schema, table, [])))
            {
                tables.Add(new BackfillRequest(schema + "." + table, BackfillKind.Full));
            }
        }

        return tables;
    }

    private async Task PollAsync(BackfillStore store, CancellationToken cancellationToken)
    {
        var active = await store.ListAsync([.. _consumers.Keys], activeOnly: true, cancellationToken).ConfigureAwait(false);
        var activeIds = active.Select(a => a.Id).ToHashSet();
        foreach (var (id, running) in _running)
        {
            if (!activeIds.Contains(id))
            {
                running.Cancelled = true;
                await running.StopAsync().ConfigureAwait(false);
            }
        }

        foreach (var record in active.OrderBy(a => a.CreatedAt))
        {
            if (_running.ContainsKey(record.Id) || !_consumers.TryGetValue(record.Sink, out var consumer))
            {
                continue;
            }

            // Read again: a runner that ended after the list above was read has marked its backfill completed by now.
            if (await store.GetAsync(record.Id, cancellationToken).ConfigureAwait(false) is not { Status: BackfillStatus.Active } fresh)
            {
                continue;
            }

            var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var runner = new BackfillRunner(fresh, _connectionString, store, consumer, _coordinator, _source, _options, _logger, _time);
            var running = new Running(stop, record.Sink);
            _running[fresh.Id] = running;
            running.Task = RunOneAsync(store, fresh, runner, running, cancellationToken);
        }
    }

    private async Task RunOneAsync(BackfillStore store, BackfillRecord record, BackfillRunner runner, Running running, CancellationToken hostStop)
    {
        await Task.Yield();
        var table = record.Request.QualifiedTable;
        try
        {
            await runner.RunAsync(running.Stop.Token).ConfigureAwait(false);
            _running.TryRemove(record.Id, out _);
        }
        catch (OperationCanceledException) when (running.Stop.IsCancellationRequested)
        {
            if (running.Cancelled && !hostStop.IsCancellationRequested)
            {
                BackfillLog.Cancelled(_logger, record.Id, table, record.Sink, record.RowsRead);
            }

            _running.TryRemove(record.Id, out _);
        }
        catch (Exception e) when (IsPermanent(e))
        {
            BackfillLog.Failed(_logger, record.Id, table, record.Sink, e.Message);
            try
            {
                await store.FinishAsync(record.Id, BackfillStatus.Failed, e.Message, hostStop).ConfigureAwait(false);
                _running.TryRemove(record.Id, out _);
            }
            catch (Exception recording) when (recording is NpgsqlException or OperationCanceledException or IOException)
            {
                _running.TryRemove(record.Id, out _); // tried again at the next poll
            }
        }
#pragma warning disable CA1031 // A backfill interrupted by any other error resumes from its durable cursor.
        catch (Exception e)
#pragma warning restore CA1031
        {
            BackfillLog.Interrupted(_logger, record.Id, table, record.Sink, e.Message, (long)_options.RetryDelay.TotalMilliseconds);
            try
            {
                await Task.Delay(_options.RetryDelay, _time, hostStop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            _running.TryRemove(record.Id, out _);
        }
        finally
        {
            running.Stop.Dispose();
        }
    }

    // A missing table or column, a bad start value, a table without primary key: running again would fail the same way.
    private static bool IsPermanent(Exception e) =>
        e is BackfillFailedException
        || (e is PostgresException { SqlState: var state } && (state.StartsWith("42", StringComparison.Ordinal) || state.StartsWith("22", StringComparison.Ordinal)));

    /// <summary>One running backfill: its task and the source that stops it (disposed by the run when it ends).</summary>
    internal sealed class Running(CancellationTokenSource stop, string sink)
    {
        public CancellationTokenSource Stop { get; } = stop;

        public string Sink { get; } = sink;

        public Task Task { get; set; } = Task.CompletedTask;

        public bool Cancelled { get; set; }

        /// <summary>
        /// Stops the run. The list it was found in is a snapshot: the run may have ended and disposed its source since,
        /// and then there is nothing left to stop (an <see cref="ObjectDisposedException"/> here once failed the host's
        /// shutdown when a backfill completed just as the host stopped).
        /// </summary>
        public async Task StopAsync()
        {
            try
            {
                await Stop.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // the run has ended
            }
        }
    }
}
