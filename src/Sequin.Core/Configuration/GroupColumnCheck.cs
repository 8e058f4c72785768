using Npgsql;

namespace Sequin.Configuration;

/// <summary>
/// Checks, when a database is started, that every table a sink's <c>tables[]</c> lists exists and has each of its
/// <c>group_column_names</c>. Without it a misspelt column would silently group nothing (its value is absent from every
/// row), so the messages of a table would lose their ordering; the error names the sink, the table and the column.
/// </summary>
internal static class GroupColumnCheck
{
    private const string ColumnsSql = """
        select a.attname
        from pg_catalog.pg_attribute a
        join pg_catalog.pg_class c on c.oid = a.attrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relname = $2 and a.attnum > 0 and not a.attisdropped
        order by a.attnum
        """;

    /// <summary>Throws when a sink of <paramref name="sinks"/> groups by a table or column <paramref name="connectionString"/>'s database does not have.</summary>
    /// <exception cref="InvalidOperationException">A listed table or group column does not exist.</exception>
    public static async Task CheckAsync(string connectionString, string databaseName, IEnumerable<SinkConfig> sinks, CancellationToken cancellationToken)
    {
        var grouped = sinks.Where(s => s.Settings.GroupColumns.Count > 0).ToList();
        if (grouped.Count == 0)
        {
            return;
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "sequin-config-check", Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var columnsOf = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var sink in grouped)
            {
                foreach (var (table, columns) in sink.Settings.GroupColumns)
                {
                    if (!columnsOf.TryGetValue(table, out var existing))
                    {
                        existing = await ColumnsAsync(connection, table, cancellationToken).ConfigureAwait(false);
                        columnsOf[table] = existing;
                    }

                    if (existing.Count == 0)
                    {
                        throw new InvalidOperationException(
                            $"Sink '{sink.Name}': tables[] lists table '{table}', which does not exist in database '{databaseName}' (or has no columns). Fix the name in tables[].name (schema.table; a bare name means public).");
                    }

                    foreach (var column in columns.Where(c => !existing.Contains(c, StringComparer.Ordinal)))
                    {
                        throw new InvalidOperationException(
                            $"Sink '{sink.Name}': group_column_names of table '{table}' names column '{column}', which the table does not have in database '{databaseName}' (its columns: {string.Join(", ", existing)}). Fix the name in tables[].group_column_names.");
                    }
                }
            }
        }
    }

    private static async Task<List<string>> ColumnsAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        var command = new NpgsqlCommand(ColumnsSql, connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = dot < 0 ? "public" : table[..dot] });
            command.Parameters.Add(new NpgsqlParameter { Value = dot < 0 ? table : table[(dot + 1)..] });
            var columns = new List<string>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    columns.Add(reader.GetString(0));
                }
            }

            return columns;
        }
    }
}
