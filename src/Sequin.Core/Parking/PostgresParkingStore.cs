using Npgsql;
using NpgsqlTypes;
using Sequin.Messages;

namespace Sequin.Parking;

/// <summary>
/// <see cref="IParkingStore"/> in PostgreSQL: tables <c>sequin_state.parked_messages</c> and
/// <c>sequin_state.discarded_messages</c> in the source database, created on first use (no migration step).
/// Also serves <c>sequin messages list|retry|discard</c>, which work on the same tables without a running host.
/// </summary>
internal sealed class PostgresParkingStore : IParkingStore, IAsyncDisposable
{
    /// <summary>The schema Sequin keeps its state in.</summary>
    public const string Schema = "sequin_state";

    private const string Parked = Schema + ".parked_messages";
    private const string Discarded = Schema + ".discarded_messages";
    private const string Requests = Schema + ".parked_requests";

    private static readonly string CreateSql = $"""
        select pg_advisory_xact_lock(hashtext('{Schema}'));
        {StateSchema.CreateIfMissingSql}
        create table if not exists {Parked} (
            id bigserial primary key,
            sink text not null,
            table_oid bigint not null,
            is_truncate boolean not null,
            group_id text not null,
            grouped boolean not null,
            table_name text not null,
            action text not null,
            commit_lsn pg_lsn not null,
            commit_idx integer not null,
            message bytea not null,
            failed_attempts integer not null,
            last_error text,
            next_attempt_at timestamptz not null,
            parked_at timestamptz not null default now());
        create index if not exists parked_messages_group on {Parked} (sink, table_oid, is_truncate, group_id, id);
        create table if not exists {Requests} (
            sink text not null,
            table_oid bigint not null,
            is_truncate boolean not null,
            group_id text not null,
            requested_at timestamptz not null default now());
        create index if not exists parked_requests_sink on {Requests} (sink);
        create table if not exists {Discarded} (
            id bigserial primary key,
            sink text not null,
            table_name text not null,
            action text not null,
            group_id text,
            commit_lsn pg_lsn not null,
            commit_idx integer not null,
            message bytea not null,
            failed_attempts integer not null,
            reason text not null,
            discarded_at timestamptz not null default now());
        create index if not exists discarded_messages_sink on {Discarded} (sink, discarded_at);
        """;

    /// <summary>What <see cref="CreateSql"/> creates; when all exist it is not run (<see cref="StateSchema"/>).</summary>
    private static readonly string[] Relations =
        [Parked, Requests, Discarded, Schema + ".parked_messages_group", Schema + ".parked_requests_sink", Schema + ".discarded_messages_sink"];

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private volatile bool _created;

    /// <summary>Creates a store on a connection string (the source database's, by default).</summary>
    public PostgresParkingStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "sequin-state" };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _ownsDataSource = true;
    }

    /// <summary>Creates a store on a data source the caller owns.</summary>
    public PostgresParkingStore(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    /// <inheritdoc />
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!await StateSchema.AllExistAsync(connection, transaction, Relations, cancellationToken).ConfigureAwait(false))
        {
            using var command = new NpgsqlCommand(CreateSql, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _created = true;
    }

    /// <inheritdoc />
    public async Task ParkAsync(string sink, IReadOnlyList<ParkedWrite> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var import = await connection.BeginBinaryImportAsync(
            $"copy {Parked} (sink, table_oid, is_truncate, group_id, grouped, table_name, action, commit_lsn, commit_idx, message, failed_attempts, last_error, next_attempt_at) from stdin (format binary)",
            cancellationToken).ConfigureAwait(false);
        foreach (var m in messages)
        {
            await import.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(sink, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync((long)m.Key.TableOid, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(m.Key.IsTruncate, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(m.Key.GroupId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(m.Grouped, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(m.Message.Relation.QualifiedName, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(ChangeActionNames.ToWireName(m.Message.Action), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(new NpgsqlLogSequenceNumber(m.Message.CommitLsn), NpgsqlDbType.PgLsn, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(m.Message.CommitIdx, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(ParkedMessageCodec.Encode(m.Message), NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
            await import.WriteAsync(m.FailedAttempts, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            if (m.LastError is null)
            {
                await import.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await import.WriteAsync(m.LastError, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            }

            await import.WriteAsync(m.NextAttemptAt.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
        }

        await import.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ParkedGroupSummary>> LoadGroupsAsync(string sink, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand(
            $"select table_oid, is_truncate, group_id, count(*)::int, min(next_attempt_at) from {Parked} where sink = $1 group by table_oid, is_truncate, group_id");
        command.Parameters.Add(new NpgsqlParameter { Value = sink });
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var groups = new List<ParkedGroupSummary>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            groups.Add(new ParkedGroupSummary(
                new ParkingKey((uint)reader.GetInt64(0), reader.GetBoolean(1), reader.GetString(2)),
                reader.GetInt32(3),
                reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return groups;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ParkingKey>> TakeRetryRequestsAsync(string sink, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand(
            $"delete from {Requests} where sink = $1 returning table_oid, is_truncate, group_id");
        command.Parameters.Add(new NpgsqlParameter { Value = sink });
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new HashSet<ParkingKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new ParkingKey((uint)reader.GetInt64(0), reader.GetBoolean(1), reader.GetString(2)));
        }

        return [.. keys];
    }

    /// <inheritdoc />
    public async Task<ParkedRow?> LoadHeadAsync(string sink, ParkingKey key, CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand(
            $"select id, grouped, message, failed_attempts from {Parked} where sink = $1 and table_oid = $2 and is_truncate = $3 and group_id = $4 order by id limit 1");
        command.Parameters.Add(new NpgsqlParameter { Value = sink });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)key.TableOid });
        command.Parameters.Add(new NpgsqlParameter { Value = key.IsTruncate });
        command.Parameters.Add(new NpgsqlParameter { Value = key.GroupId });
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var message = ParkedMessageCodec.Decode(reader.GetFieldValue<byte[]>(2));
        return new ParkedRow(reader.GetInt64(0), reader.GetBoolean(1), message, reader.GetInt32(3));
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand($"delete from {Parked} where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public async Task RecordFailureAsync(long id, int failedAttempts, string lastError, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand($"update {Parked} set failed_attempts = $2, last_error = $3, next_attempt_at = $4 where id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = failedAttempts });
        command.Parameters.Add(new NpgsqlParameter { Value = lastError });
        command.Parameters.Add(new NpgsqlParameter { Value = nextAttemptAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DiscardAsync(string sink, string? groupId, ChangeMessage message, int failedAttempts, string reason, long? parkedId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        using (var insert = new NpgsqlCommand(
            $"insert into {Discarded} (sink, table_name, action, group_id, commit_lsn, commit_idx, message, failed_attempts, reason) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            connection,
            transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = sink });
            insert.Parameters.Add(new NpgsqlParameter { Value = message.Relation.QualifiedName });
            insert.Parameters.Add(new NpgsqlParameter { Value = ChangeActionNames.ToWireName(message.Action) });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)groupId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = new NpgsqlLogSequenceNumber(message.CommitLsn), NpgsqlDbType = NpgsqlDbType.PgLsn });
            insert.Parameters.Add(new NpgsqlParameter { Value = message.CommitIdx });
            insert.Parameters.Add(new NpgsqlParameter { Value = ParkedMessageCodec.Encode(message) });
            insert.Parameters.Add(new NpgsqlParameter { Value = failedAttempts });
            insert.Parameters.Add(new NpgsqlParameter { Value = reason });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (parkedId is { } id)
        {
            using var delete = new NpgsqlCommand($"delete from {Parked} where id = $1", connection, transaction);
            delete.Parameters.Add(new NpgsqlParameter { Value = id });
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> PurgeDiscardedAsync(string sink, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand($"delete from {Discarded} where sink = $1 and discarded_at < $2");
        command.Parameters.Add(new NpgsqlParameter { Value = sink });
        command.Parameters.Add(new NpgsqlParameter { Value = before.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> CountDiscardedAsync(string sink, CancellationToken cancellationToken)
    {
        using var command = _dataSource.CreateCommand($"select count(*) from {Discarded} where sink = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = sink });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Lists parked (or, with <paramref name="discarded"/>, discarded) messages in id order, after <paramref name="afterId"/>,
    /// at most <paramref name="limit"/>; all sinks when <paramref name="sink"/> is null.
    /// </summary>
    public async Task<IReadOnlyList<ParkedMessageInfo>> ListAsync(string? sink, bool discarded, long afterId, int limit, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var sql = discarded
            ? $"select id, sink, table_name, action, group_id, commit_lsn, commit_idx, failed_attempts, reason, discarded_at from {Discarded}"
            : $"select id, sink, table_name, action, case when grouped then group_id end, commit_lsn, commit_idx, failed_attempts, last_error, next_attempt_at from {Parked}";
        using var command = _dataSource.CreateCommand(sql + " where ($1::text is null or sink = $1) and id > $2 order by id limit $3");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)sink ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = afterId });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<ParkedMessageInfo>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(ReadInfo(reader));
        }

        return list;
    }

    // The columns id, sink, table_name, action, group id, commit_lsn, commit_idx, failed_attempts, last_error, next_attempt_at, in that order.
    private static ParkedMessageInfo ReadInfo(NpgsqlDataReader reader) =>
        new(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(5),
            reader.GetInt32(6),
            reader.GetInt32(7),
            reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.GetFieldValue<DateTimeOffset>(9));

    /// <summary>One parked message of <paramref name="sink"/> with its stored change (row values), or null when there is none with <paramref name="id"/>.</summary>
    public async Task<(ParkedMessageInfo Info, ChangeMessage Message)?> LoadParkedAsync(string sink, long id, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand(
            $"select id, sink, table_name, action, case when grouped then group_id end, commit_lsn, commit_idx, failed_attempts, last_error, next_attempt_at, message from {Parked} where sink = $1 and id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = sink });
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var info = ReadInfo(reader);
        return (info, ParkedMessageCodec.Decode(reader.GetFieldValue<byte[]>(10)));
    }

    /// <summary>
    /// Makes parked messages due now (all of <paramref name="sink"/>'s, or the given ids); returns how many. A running
    /// host sees the request within its poll interval (<see cref="IParkingStore.TakeRetryRequestsAsync"/>, table
    /// <c>sequin_state.parked_requests</c>) and tries the heads of those groups at once; a stopped host when it starts.
    /// </summary>
    public Task<int> RetryNowAsync(string? sink, IReadOnlyList<long>? ids, CancellationToken cancellationToken) =>
        RetryNowAsync(sink, ids, table: null, cancellationToken);

    /// <summary>As <see cref="RetryNowAsync(string?, IReadOnlyList{long}?, CancellationToken)"/>, only messages of <paramref name="table"/> (<c>schema.table</c>) when given.</summary>
    public async Task<int> RetryNowAsync(string? sink, IReadOnlyList<long>? ids, string? table, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand($"""
            with due as (
                update {Parked} set next_attempt_at = now() where ($1::text is null or sink = $1) and ($2::bigint[] is null or id = any($2)) and ($3::text is null or table_name = $3)
                returning sink, table_oid, is_truncate, group_id),
            requested as (
                insert into {Requests} (sink, table_oid, is_truncate, group_id) select distinct sink, table_oid, is_truncate, group_id from due)
            select count(*)::int from due
            """);
        AddSelection(command, sink, ids);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)table ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Moves parked messages to the discarded table with <paramref name="reason"/> (all of <paramref name="sink"/>'s, or
    /// the given ids), in one transaction; returns how many. A running host is told (as for a retry request) so that
    /// the groups concerned go on at once with their next message.
    /// </summary>
    public Task<int> DiscardParkedAsync(string? sink, IReadOnlyList<long>? ids, string reason, CancellationToken cancellationToken) =>
        DiscardParkedAsync(sink, ids, table: null, reason, cancellationToken);

    /// <summary>As <see cref="DiscardParkedAsync(string?, IReadOnlyList{long}?, string, CancellationToken)"/>, only messages of <paramref name="table"/> (<c>schema.table</c>) when given.</summary>
    public async Task<int> DiscardParkedAsync(string? sink, IReadOnlyList<long>? ids, string? table, string reason, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand($"""
            with moved as (
                delete from {Parked} where ($1::text is null or sink = $1) and ($2::bigint[] is null or id = any($2)) and ($4::text is null or table_name = $4) returning *),
            recorded as (
                insert into {Discarded} (sink, table_name, action, group_id, commit_lsn, commit_idx, message, failed_attempts, reason)
                select sink, table_name, action, case when grouped then group_id end, commit_lsn, commit_idx, message, failed_attempts, $3 from moved order by id),
            requested as (
                insert into {Requests} (sink, table_oid, is_truncate, group_id) select distinct sink, table_oid, is_truncate, group_id from moved)
            select count(*)::int from moved
            """);
        AddSelection(command, sink, ids);
        command.Parameters.Add(new NpgsqlParameter { Value = reason });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)table ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static void AddSelection(NpgsqlCommand command, string? sink, IReadOnlyList<long>? ids)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)sink ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)ids?.ToArray() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
