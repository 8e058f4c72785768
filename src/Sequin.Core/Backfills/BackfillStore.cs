using Npgsql;
using NpgsqlTypes;
using Sequin.Parking;

namespace Sequin.Backfills;

/// <summary>
/// Backfills and their cursors in PostgreSQL: table <c>sequin_state.backfills</c> (one row per backfill) and
/// <c>sequin_state.initial_backfills</c> (one row per sink whose <c>initial_backfill</c> was created) in the source
/// database, next to the parked messages, created on first use. The cursor lives with the data it points into, so it
/// survives a host crash, is moved with a restored database, and is read by <c>sequin backfill status</c> without a
/// running host.
/// </summary>
internal sealed class BackfillStore : IAsyncDisposable
{
    /// <summary>The backfills table, qualified.</summary>
    public const string Table = PostgresParkingStore.Schema + ".backfills";

    /// <summary>The table recording which sinks' initial backfills were created.</summary>
    public const string InitialTable = PostgresParkingStore.Schema + ".initial_backfills";

    private const string OneActiveIndex = "backfills_one_active";

    private const string Columns = "id, sink, table_name, kind, sort_column, start_position, state, cursor, rows_read, rows_delivered, rows_estimated, error, created_at, updated_at";

    private static readonly string CreateSql = $"""
        select pg_advisory_xact_lock(hashtext('{PostgresParkingStore.Schema}'));
        {StateSchema.CreateIfMissingSql}
        create table if not exists {Table} (
            id uuid primary key,
            sink text not null,
            table_name text not null,
            kind text not null,
            sort_column text,
            start_position text,
            state text not null,
            cursor text[],
            rows_read bigint not null default 0,
            rows_delivered bigint not null default 0,
            rows_estimated bigint,
            error text,
            initial boolean not null default false,
            created_at timestamptz not null default now(),
            updated_at timestamptz not null default now());
        create index if not exists backfills_sink_state on {Table} (sink, state);
        -- One active backfill per sink and table: a second would read every row again for nothing.
        do $do$ begin
            create unique index if not exists backfills_one_active on {Table} (sink, table_name) where state = 'active';
        exception when unique_violation then
            raise warning 'sequin: two active backfills of one sink and table exist; the one-per-table rule applies once one of them ends';
        end $do$;
        create table if not exists {InitialTable} (
            sink text primary key,
            recorded_at timestamptz not null default now());
        """;

    /// <summary>What <see cref="CreateSql"/> creates; when all exist it is not run (<see cref="StateSchema"/>).</summary>
    private static readonly string[] Relations =
        [Table, InitialTable, PostgresParkingStore.Schema + ".backfills_sink_state", PostgresParkingStore.Schema + "." + OneActiveIndex];

    private readonly NpgsqlDataSource _dataSource;
    private volatile bool _created;

    /// <summary>Creates a store on a connection string (the source database's).</summary>
    public BackfillStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "sequin-backfill-state" };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>Creates the schema and tables when missing (idempotent, safe against concurrent hosts).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                if (!await StateSchema.AllExistAsync(connection, transaction, Relations, cancellationToken).ConfigureAwait(false))
                {
                    await ExecuteAsync(new NpgsqlCommand(CreateSql, connection, transaction), cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        _created = true;
    }

    /// <summary>Creates an active backfill of <paramref name="request"/> for <paramref name="sink"/>.</summary>
    public async Task<BackfillRecord> CreateAsync(string sink, BackfillRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var id = Guid.NewGuid();
            try
            {
                await InsertAsync(connection, null, id, sink, request, initial: false, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == OneActiveIndex)
            {
                var active = (await ListAsync([sink], activeOnly: true, cancellationToken).ConfigureAwait(false))
                    .FirstOrDefault(b => b.Request.QualifiedTable == request.QualifiedTable);
                throw new InvalidOperationException(
                    $"Sink '{sink}' already has an active backfill of {request.QualifiedTable}{(active is null ? string.Empty : $" ({active.Id})")}: wait for it to complete, or cancel it with `sequin backfill cancel` first.",
                    e);
            }

            return await GetAsync(id, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Backfill {id} vanished right after it was created.");
        }
    }

    /// <summary>
    /// Creates the initial backfills of <paramref name="sink"/> unless they were created before (by any host, ever):
    /// the record of that and the backfills are written in one transaction.
    /// </summary>
    /// <returns>The backfills created; empty when the sink's initial backfill was recorded before.</returns>
    public async Task<IReadOnlyList<Guid>> CreateInitialAsync(string sink, IReadOnlyList<BackfillRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var record = new NpgsqlCommand($"insert into {InitialTable} (sink) values (@sink) on conflict do nothing", connection, transaction);
                record.Parameters.AddWithValue("sink", sink);
                if (await ExecuteAsync(record, cancellationToken).ConfigureAwait(false) == 0)
                {
                    return [];
                }

                var ids = new List<Guid>();
                foreach (var request in requests)
                {
                    // A backfill of the table started by hand before the first start stands in for the initial one.
                    var id = Guid.NewGuid();
                    if (await InsertAsync(connection, transaction, id, sink, request, initial: true, cancellationToken).ConfigureAwait(false) == 1)
                    {
                        ids.Add(id);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return ids;
            }
        }
    }

    /// <summary>Returns one backfill, or null.</summary>
    public async Task<BackfillRecord?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var found = await QueryAsync($"select {Columns} from {Table} where id = @id", p => p.AddWithValue("id", id), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Returns the backfills of <paramref name="sinks"/> (all sinks when null), newest first; only active ones when <paramref name="activeOnly"/>.</summary>
    public Task<IReadOnlyList<BackfillRecord>> ListAsync(IReadOnlyCollection<string>? sinks, bool activeOnly, CancellationToken cancellationToken)
    {
        var sql = $"select {Columns} from {Table} where (@all or sink = any(@sinks)) and (not @active or state = 'active') order by created_at desc, id";
        return QueryAsync(
            sql,
            p =>
            {
                p.AddWithValue("all", sinks is null);
                p.AddWithValue("sinks", (sinks ?? []).ToArray());
                p.AddWithValue("active", activeOnly);
            },
            cancellationToken);
    }

    /// <summary>Saves the cursor and counters after a page was delivered (only while the backfill is active).</summary>
    public Task SaveProgressAsync(Guid id, IReadOnlyList<string> cursor, long rowsRead, long rowsDelivered, CancellationToken cancellationToken) =>
        UpdateAsync(
            $"update {Table} set cursor = @cursor, rows_read = @read, rows_delivered = @delivered, updated_at = now() where id = @id and state = 'active'",
            p =>
            {
                p.AddWithValue("id", id);
                p.AddWithValue("cursor", cursor.ToArray());
                p.AddWithValue("read", rowsRead);
                p.AddWithValue("delivered", rowsDelivered);
            },
            cancellationToken);

    /// <summary>Records the table's estimated row count.</summary>
    public Task SetEstimateAsync(Guid id, long rows, CancellationToken cancellationToken) =>
        UpdateAsync($"update {Table} set rows_estimated = @rows where id = @id", p =>
        {
            p.AddWithValue("id", id);
            p.AddWithValue("rows", rows);
        }, cancellationToken);

    /// <summary>Ends an active backfill with <paramref name="status"/> (completed, cancelled or failed).</summary>
    /// <returns>True when it was active and is now ended.</returns>
    public async Task<bool> FinishAsync(Guid id, BackfillStatus status, string? error, CancellationToken cancellationToken) =>
        await UpdateAsync(
            $"update {Table} set state = @state, error = @error, updated_at = now() where id = @id and state = 'active'",
            p =>
            {
                p.AddWithValue("id", id);
                p.AddWithValue("state", ToText(status));
                p.AddWithValue("error", NpgsqlDbType.Text, (object?)error ?? DBNull.Value);
            },
            cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static string ToText(BackfillStatus status) => status.ToString().ToLowerInvariant();

    private static async Task<int> ExecuteAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task<int> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid id, string sink, BackfillRequest request, bool initial, CancellationToken cancellationToken)
    {
        request.Validate();
        var command = new NpgsqlCommand(
            $"insert into {Table} (id, sink, table_name, kind, sort_column, start_position, state, initial) values (@id, @sink, @table, @kind, @sort, @start, 'active', @initial)"
                + (initial ? " on conflict do nothing" : string.Empty),
            connection,
            transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("sink", sink);
        command.Parameters.AddWithValue("table", request.QualifiedTable);
        command.Parameters.AddWithValue("kind", request.Kind.ToString().ToLowerInvariant());
        command.Parameters.AddWithValue("sort", NpgsqlDbType.Text, (object?)request.SortColumn ?? DBNull.Value);
        command.Parameters.AddWithValue("start", NpgsqlDbType.Text, (object?)request.StartPosition ?? DBNull.Value);
        command.Parameters.AddWithValue("initial", initial);
        return ExecuteAsync(command, cancellationToken);
    }

    private async Task<int> UpdateAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand(sql, connection);
            bind(command.Parameters);
            return await ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    // Reading creates nothing: a database where no backfill was ever started (or a role that may not create the schema) has none.
    private async Task<IReadOnlyList<BackfillRecord>> QueryAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        try
        {
            return await QueryExistingAsync(sql, bind, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return [];
        }
    }

    private async Task<IReadOnlyList<BackfillRecord>> QueryExistingAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand(sql, connection);
            await using (command.ConfigureAwait(false))
            {
                bind(command.Parameters);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var list = new List<BackfillRecord>();
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        list.Add(Read(reader));
                    }

                    return list;
                }
            }
        }
    }

    private static BackfillRecord Read(NpgsqlDataReader r)
    {
        var kind = Enum.Parse<BackfillKind>(r.GetString(3), ignoreCase: true);
        var request = new BackfillRequest(r.GetString(2), kind, r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5));
        return new BackfillRecord(
            r.GetGuid(0),
            r.GetString(1),
            request,
            Enum.Parse<BackfillStatus>(r.GetString(6), ignoreCase: true),
            r.IsDBNull(7) ? null : r.GetFieldValue<string[]>(7),
            r.GetInt64(8),
            r.GetInt64(9),
            r.IsDBNull(10) ? null : r.GetInt64(10),
            r.IsDBNull(11) ? null : r.GetString(11),
            r.GetFieldValue<DateTimeOffset>(12),
            r.GetFieldValue<DateTimeOffset>(13));
    }
}
