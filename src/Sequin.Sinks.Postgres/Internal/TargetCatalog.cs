using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Sequin.Messages;

namespace Sequin.Sinks.Postgres.Internal;

/// <summary>
/// The target tables as the target's catalog describes them, read once per table and remembered until a batch for it
/// fails (then read again, so a column added or a table created by an operator is seen on the retry). Creates a
/// missing table from the source's columns when <c>create_tables</c> is on.
/// </summary>
internal sealed class TargetCatalog(NpgsqlDataSource dataSource, PostgresSinkOptions options, ILogger logger)
{
    private readonly ConcurrentDictionary<TargetTableName, TargetTable> _tables = new();

    /// <summary>Forgets what was read of <paramref name="name"/>.</summary>
    public void Forget(TargetTableName name) => _tables.TryRemove(name, out _);

    /// <summary>
    /// The target table <paramref name="name"/>, created from <paramref name="source"/> when it is missing and
    /// <c>create_tables</c> is on; a <see cref="TargetMismatchException"/> when it is missing otherwise.
    /// </summary>
    public async Task<TargetTable> GetAsync(TargetTableName name, RelationInfo source, CancellationToken cancellationToken)
    {
        if (_tables.TryGetValue(name, out var known))
        {
            return known;
        }

        var table = await ReadAsync(name, cancellationToken).ConfigureAwait(false);
        if (table is null)
        {
            if (!options.CreateTables)
            {
                throw new TargetMismatchException(
                    $"Target table {name} does not exist in {options.Describe()} (source table {source.QualifiedName}): create it, or set create_tables: true.");
            }

            await CreateAsync(name, source, cancellationToken).ConfigureAwait(false);
            table = await ReadAsync(name, cancellationToken).ConfigureAwait(false)
                ?? throw new TargetMismatchException($"Target table {name} was created in {options.Describe()} but cannot be read back.");
        }

        return _tables[name] = table;
    }

    /// <summary>Why rows of <paramref name="source"/> cannot go into <paramref name="table"/>, or null when they can.</summary>
    public static string? Check(TargetTable table, RelationInfo source)
    {
        if (source.KeyColumnIndexes.Count == 0)
        {
            return $"Source table {source.QualifiedName} has no primary key (replica identity): the postgres sink upserts and deletes rows by key, so its target {table.Name} cannot be kept.";
        }

        var missing = source.Columns.Where(c => !table.ColumnTypes.ContainsKey(c.Name)).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            return $"Target table {table.Name} has no column {string.Join(", ", missing.Select(m => "'" + m + "'"))} of source table {source.QualifiedName}: add {(missing.Count == 1 ? "it" : "them")} to the target table.";
        }

        var keys = source.KeyColumnIndexes.Select(i => source.Columns[i].Name).ToList();
        if (table.PrimaryKey.Count == 0 || !table.PrimaryKey.Order(StringComparer.Ordinal).SequenceEqual(keys.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            var has = table.PrimaryKey.Count == 0 ? "no primary key" : $"primary key ({string.Join(", ", table.PrimaryKey)})";
            return $"Target table {table.Name} has {has}, but source table {source.QualifiedName}'s key is ({string.Join(", ", keys)}): rows are upserted on the source's key, so the target's primary key must be the same columns.";
        }

        return null;
    }

    private async Task<TargetTable?> ReadAsync(TargetTableName name, CancellationToken cancellationToken)
    {
        var command = dataSource.CreateCommand(PostgresSql.ReadCatalog);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter { Value = name.Sql, NpgsqlDbType = NpgsqlDbType.Text });
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var keys = new List<(int Position, string Column)>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var column = reader.GetString(0);
            types[column] = reader.GetString(1);
            var position = reader.GetInt32(2);
            if (position > 0)
            {
                keys.Add((position, column));
            }
        }

        return types.Count == 0 ? null : new TargetTable(name, types, [.. keys.OrderBy(k => k.Position).Select(k => k.Column)]);
    }

    private async Task CreateAsync(TargetTableName name, RelationInfo source, CancellationToken cancellationToken)
    {
        if (source.KeyColumnIndexes.Count == 0)
        {
            throw new TargetMismatchException($"Target table {name} is missing and cannot be created: source table {source.QualifiedName} has no primary key (replica identity).");
        }

        var command = dataSource.CreateCommand(PostgresSql.FormatTypes);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter { Value = source.Columns.Select(c => c.TypeOid).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid });
        command.Parameters.Add(new NpgsqlParameter { Value = source.Columns.Select(c => c.TypeModifier).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        var columns = new List<(string Name, string Type)>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var i = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var column = source.Columns[i++];
                if (reader.IsDBNull(0))
                {
                    throw new TargetMismatchException(
                        $"Target table {name} is missing and cannot be created: column '{column.Name}' of {source.QualifiedName} has a user-defined type (OID {column.TypeOid}) the target does not share; create the table yourself.");
                }

                columns.Add((column.Name, reader.GetString(0)));
            }
        }

        var keys = source.KeyColumnIndexes.Select(i => source.Columns[i].Name).ToList();
        // Concurrent batches (and other hosts) may create the same table at once: CREATE ... IF NOT EXISTS is not safe
        // against that (a duplicate pg_type row, 23505, failed a whole first burst), so creation takes a transaction
        // lock named after the table, and the second creator finds the table there.
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var serialize = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction)
        {
            Parameters = { new() { Value = "sequin.create_tables:" + name } },
        };
        await using (serialize.ConfigureAwait(false))
        {
            await serialize.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var create = new NpgsqlCommand(PostgresSql.CreateTable(name, columns, keys), connection, transaction);
        await using (create.ConfigureAwait(false))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        PostgresSinkLog.TableCreated(logger, name.ToString(), options.Describe(), source.QualifiedName);
    }
}
