using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Sequin.Messages;
using Sequin.Sinks.Postgres.Internal;

namespace Sequin.Sinks.Postgres;

/// <summary>
/// Delivers <c>postgres</c> batches: a batch is one target table's changes (Core batches by the route's <c>table</c>),
/// folded into each row's last state (<see cref="BatchPlan"/>) and sent as one <see cref="NpgsqlBatch"/>: one round
/// trip, one implicit transaction, a <c>DELETE … USING unnest(…)</c> and an <c>INSERT … SELECT … FROM unnest(…) ON
/// CONFLICT … DO UPDATE</c> per source table shape. When the batch fails for a reason about the rows (a constraint, a
/// value the column refuses) its messages are applied one by one, so that only the failing row's messages fail
/// (permanently: they park, the slot moves on) and a row's later messages in the batch fail with it, keeping its order.
/// </summary>
internal sealed class PostgresDelivery : ISinkDelivery
{
    private readonly PostgresSinkOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TargetCatalog _catalog;

    private PostgresDelivery(PostgresSinkOptions options, ILogger logger)
    {
        _options = options;
        _dataSource = NpgsqlDataSource.Create(ConnectionString(options));
        _catalog = new TargetCatalog(_dataSource, options, logger);
        PostgresSinkLog.Connecting(logger, options.Describe(), options.Username, options.SslMode.ToString(), options.CreateTables, options.Truncate.ToString());
    }

    /// <summary>Creates the delivery of a configured sink; it connects on its first batch.</summary>
    public static PostgresDelivery Create(PostgresSinkOptions options, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        return new PostgresDelivery(options, context.LoggerFactory.CreateLogger<PostgresSink>());
    }

    /// <summary>The Npgsql connection string of <paramref name="options"/> (it holds the password: never log it).</summary>
    internal static string ConnectionString(PostgresSinkOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = options.Hostname,
            Port = options.Port,
            Database = options.Database,
            Username = options.Username,
            Password = options.Password,
            SslMode = options.SslMode switch
            {
                PostgresSslMode.Disable => SslMode.Disable,
                PostgresSslMode.Allow => SslMode.Allow,
                PostgresSslMode.Require => SslMode.Require,
                PostgresSslMode.VerifyCa => SslMode.VerifyCA,
                PostgresSslMode.VerifyFull => SslMode.VerifyFull,
                _ => SslMode.Prefer,
            },
            Timeout = Math.Clamp((options.TimeoutMs + 999) / 1000, 1, 1024),
            CommandTimeout = Math.Max(1, (options.TimeoutMs + 999) / 1000),
            ApplicationName = "sequin-postgres-sink",
        };
        if (options.SslRootCert is { Length: > 0 } root)
        {
            builder.RootCertificate = root;
        }

        return builder.ConnectionString;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var messages = batch.Messages;
        if (messages.Count == 0)
        {
            return [];
        }

        var name = TargetTableName.Parse(messages[0].Route.GetRequired(PostgresSink.TableKey));
        var outcomes = new DeliveryOutcome[messages.Count];
        try
        {
            // Each source table shape of the batch must fit the target: the messages of one that does not fail alone.
            var table = await TableForAsync(name, messages, outcomes, cancellationToken).ConfigureAwait(false);
            var ready = Enumerable.Range(0, messages.Count).Where(i => outcomes[i].IsDelivered).ToList();
            if (ready.Count == 0 || table is null)
            {
                return outcomes; // nothing left, or only truncates to ignore
            }

            try
            {
                await ApplyAsync(table, ready.Select(i => messages[i].Message), cancellationToken).ConfigureAwait(false);
                return outcomes;
            }
            catch (Exception ex) when (PostgresErrors.IsPermanent(ex) && ready.Count > 1 && !cancellationToken.IsCancellationRequested)
            {
                // Which rows? One message at a time, in order.
                _catalog.Forget(name);
                return await ApplyOneByOneAsync(table, messages, ready, outcomes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (PostgresErrors.IsPostgresFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            Forget(name, ex);
            var outcome = Outcome(ex);
            for (var i = 0; i < outcomes.Length; i++)
            {
                if (outcomes[i].IsDelivered)
                {
                    outcomes[i] = outcome;
                }
            }

            return outcomes;
        }
    }

    /// <summary>
    /// Connects and reports the server's version and user; with a static <c>table</c>, also that the table exists (or
    /// that its schema can be created in, with <c>create_tables</c>) and takes inserts, updates and deletes.
    /// </summary>
    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            var about = $"PostgreSQL {connection.PostgreSqlVersion} at {_options.Describe()} accepted user '{_options.Username}'";
            if (_options.Table is not { Length: > 0 } route)
            {
                return ConnectionTestResult.Ok(about + ".");
            }

            var name = TargetTableName.Parse(route);
            var command = new NpgsqlCommand(
                """
                SELECT to_regclass($1) IS NOT NULL,
                       CASE WHEN to_regclass($1) IS NOT NULL THEN has_table_privilege(to_regclass($1), 'INSERT, UPDATE, DELETE') END,
                       COALESCE((SELECT has_schema_privilege(n.oid, 'CREATE') FROM pg_namespace n WHERE n.nspname = $2), has_database_privilege(current_database(), 'CREATE'))
                """,
                connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter { Value = name.Sql, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = name.Schema, NpgsqlDbType = NpgsqlDbType.Text });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var exists = reader.GetBoolean(0);
            if (exists)
            {
                return reader.GetBoolean(1)
                    ? ConnectionTestResult.Ok($"{about}; table {name} takes inserts, updates and deletes.")
                    : ConnectionTestResult.Failed($"{about}, but it may not insert, update and delete in table {name}: GRANT INSERT, UPDATE, DELETE ON {name.Sql} TO {PostgresSql.Quote(_options.Username)};");
            }

            if (!_options.CreateTables)
            {
                return ConnectionTestResult.Failed($"{about}, but table {name} does not exist: create it, or set create_tables: true.");
            }

            return reader.GetBoolean(2)
                ? ConnectionTestResult.Ok($"{about}; table {name} does not exist yet and will be created (create_tables: true).")
                : ConnectionTestResult.Failed($"{about}; table {name} does not exist and user '{_options.Username}' may not create it in schema {name.Schema} (create_tables: true).");
        }
        catch (Exception ex) when (PostgresErrors.IsPostgresFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return ConnectionTestResult.Failed(PostgresErrors.Describe(ex, _options));
        }
    }

    /// <summary>Connects and reports the server's version and user (dynamic routing: no particular table).</summary>
    public async Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            return ConnectionTestResult.Ok($"PostgreSQL {connection.PostgreSqlVersion} at {_options.Describe()} accepted user '{_options.Username}'.");
        }
        catch (Exception ex) when (PostgresErrors.IsPostgresFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            return ConnectionTestResult.Failed(PostgresErrors.Describe(ex, _options));
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>The target table, checked against each source table shape in the batch; messages of a shape that does not fit get their outcome.</summary>
    private async Task<TargetTable?> TableForAsync(TargetTableName name, IReadOnlyList<RoutedMessage> messages, DeliveryOutcome[] outcomes, CancellationToken cancellationToken)
    {
        TargetTable? table = null;
        string? missing = null; // the table cannot be had: said once, for every row message of the batch
        Dictionary<RelationInfo, string?>? checkedShapes = null;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i].Message;
            if (message.Action == ChangeAction.Truncate)
            {
                continue; // a truncate needs the table to exist, nothing more
            }

            if (missing is not null)
            {
                outcomes[i] = DeliveryOutcome.Permanent(missing);
                continue;
            }

            try
            {
                table ??= await _catalog.GetAsync(name, message.Relation, cancellationToken).ConfigureAwait(false);
            }
            catch (TargetMismatchException ex)
            {
                outcomes[i] = DeliveryOutcome.Permanent(missing = ex.Message);
                continue;
            }

            checkedShapes ??= new(ReferenceEqualityComparer.Instance);
            if (!checkedShapes.TryGetValue(message.Relation, out var error))
            {
                checkedShapes[message.Relation] = error = TargetCatalog.Check(table, message.Relation);
            }

            if (error is not null)
            {
                outcomes[i] = DeliveryOutcome.Permanent(error);
            }
        }

        if (table is null && _options.Truncate == PostgresTruncateMode.Apply && messages.Any(m => m.Message.Action == ChangeAction.Truncate))
        {
            // Only truncates to apply: the table is read without a source shape (it must exist; truncates never create it).
            table = await _catalog.GetAsync(name, messages[0].Message.Relation, cancellationToken).ConfigureAwait(false);
        }

        if (outcomes.Any(o => !o.IsDelivered))
        {
            _catalog.Forget(name); // read again on the retry: the operator may have fixed the table meanwhile
            FailLaterMessagesOfFailedRows(messages, outcomes);
        }

        return table;
    }

    private async Task<IReadOnlyList<DeliveryOutcome>> ApplyOneByOneAsync(
        TargetTable table, IReadOnlyList<RoutedMessage> messages, IReadOnlyList<int> ready, DeliveryOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var failedRows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var i in ready)
        {
            var message = messages[i].Message;
            var keys = RowKeys(message);
            if (keys.FirstOrDefault(failedRows.ContainsKey) is { } failedKey)
            {
                outcomes[i] = DeliveryOutcome.Permanent($"An earlier change of this row in the same batch failed: {failedRows[failedKey]}");
                continue;
            }

            try
            {
                await ApplyAsync(table, [message], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (PostgresErrors.IsPermanent(ex) && !cancellationToken.IsCancellationRequested)
            {
                var text = PostgresErrors.Describe(ex, _options);
                outcomes[i] = DeliveryOutcome.Permanent(text);
                foreach (var key in keys)
                {
                    failedRows[key] = text;
                }
            }
        }

        return outcomes;
    }

    /// <summary>Sends the plan of <paramref name="messages"/> as one batch of statements (one round trip, one implicit transaction).</summary>
    private async Task ApplyAsync(TargetTable table, IEnumerable<ChangeMessage> messages, CancellationToken cancellationToken)
    {
        var plan = BatchPlan.Build(messages, _options.Truncate);
        if (plan.Steps.Count == 0)
        {
            return; // only ignored truncates
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var batch = new NpgsqlBatch(connection);
        await using var batchScope = batch.ConfigureAwait(false);
        foreach (var step in plan.Steps)
        {
            if (step is TruncateStep)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(PostgresSql.Truncate(table.Name)));
                continue;
            }

            var rows = (RowsStep)step;
            foreach (var group in rows.Deletes.GroupBy(r => r.Relation))
            {
                var keyColumns = group.Key.KeyColumnIndexes.Select(k => group.Key.Columns[k].Name).ToList();
                var command = new NpgsqlBatchCommand(PostgresSql.Delete(table, keyColumns));
                foreach (var k in group.Key.KeyColumnIndexes)
                {
                    command.Parameters.Add(TextArray(group.Select(r => r[k].Text)));
                }

                batch.BatchCommands.Add(command);
            }

            // One statement per source table shape and set of columns sent (an unchanged TOASTed value is not sent).
            foreach (var group in rows.Upserts.GroupBy(r => (r.Relation, Sent: SentMask(r))))
            {
                var relation = group.Key.Relation;
                var sent = Enumerable.Range(0, relation.Columns.Count).Where(c => IsSent(group.Key.Sent, c)).ToList();
                var keyColumns = relation.KeyColumnIndexes.Select(k => relation.Columns[k].Name).ToList();
                var command = new NpgsqlBatchCommand(PostgresSql.Upsert(table, [.. sent.Select(c => relation.Columns[c].Name)], keyColumns));
                foreach (var c in sent)
                {
                    command.Parameters.Add(TextArray(group.Select(r => r[c].Kind == ColumnValueKind.Text ? r[c].Text : null)));
                }

                batch.BatchCommands.Add(command);
            }
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlParameter TextArray(IEnumerable<string?> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    // Which columns a row sends: all but the unchanged TOASTed ones. A string of 0/1 per column (a key for grouping).
    private static string SentMask(RowImage row)
    {
        var mask = new char[row.Count];
        for (var i = 0; i < mask.Length; i++)
        {
            mask[i] = row[i].Kind == ColumnValueKind.UnchangedToast ? '0' : '1';
        }

        return new string(mask);
    }

    private static bool IsSent(string mask, int column) => mask[column] == '1';

    /// <summary>The keys a message touches: its row's, and the old key of an update that changed it.</summary>
    private static List<string> RowKeys(ChangeMessage message)
    {
        if (message.Action == ChangeAction.Truncate)
        {
            return [];
        }

        var keys = new List<string> { BatchPlan.KeyOf(message.Record) };
        if (message.OldRecord is { } old && message.Action != ChangeAction.Delete)
        {
            keys.Add(BatchPlan.KeyOf(old));
        }

        return keys;
    }

    // A row whose change failed keeps its order: its later changes in the batch fail with it.
    private static void FailLaterMessagesOfFailedRows(IReadOnlyList<RoutedMessage> messages, DeliveryOutcome[] outcomes)
    {
        var failed = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            var keys = RowKeys(messages[i].Message);
            if (!outcomes[i].IsDelivered)
            {
                foreach (var key in keys)
                {
                    failed.TryAdd(key, outcomes[i].Error ?? "failed");
                }
            }
            else if (keys.FirstOrDefault(failed.ContainsKey) is { } key)
            {
                outcomes[i] = DeliveryOutcome.Permanent($"An earlier change of this row in the same batch failed: {failed[key]}");
            }
        }
    }

    private DeliveryOutcome Outcome(Exception exception)
    {
        var text = PostgresErrors.Describe(exception, _options);
        return PostgresErrors.IsPermanent(exception) ? DeliveryOutcome.Permanent(text) : DeliveryOutcome.Retry(text);
    }

    private void Forget(TargetTableName name, Exception exception)
    {
        _catalog.Forget(name);
        if (!PostgresErrors.IsPermanent(exception))
        {
            // The server restarted or the network broke: the pooled connections to it are likely broken too.
            _dataSource.Clear();
        }
    }
}
