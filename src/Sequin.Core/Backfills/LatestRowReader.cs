using Npgsql;
using Sequin.Configuration;
using Sequin.Messages;

namespace Sequin.Backfills;

/// <summary>
/// Reads a table's most recent row (the highest primary key) as the <c>read</c> message a backfill would send for it:
/// the real sample message the console's routing editor runs a function on. Values are read in the text result format
/// (each type's output function), as backfills and pgoutput carry them, so the function sees what it would see in
/// production. Only a table some configured sink of the database reads can be sampled: one in the database's publication,
/// taken by a sink's <c>source</c>, never in <c>pg_catalog</c>, <c>information_schema</c>, <c>pg_toast</c> or
/// <c>sequin_state</c> (docs/reference/security.md, "Console"); the console's role may read far more than that.
/// </summary>
internal static class LatestRowReader
{
    // Schemas never sampled, whatever a publication FOR ALL TABLES or a sink's source says.
    private static readonly string[] ForbiddenSchemas = ["pg_catalog", "information_schema", "pg_toast", Parking.PostgresParkingStore.Schema];

    /// <summary>Reads the row, or returns null when the table is empty.</summary>
    /// <param name="database">The configured database to read from.</param>
    /// <param name="sinks">The configured sinks: the table must be one that a sink of <paramref name="database"/> reads.</param>
    /// <param name="table">The table, <c>schema.table</c> or a bare name (schema <c>public</c>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="SampleTableRefusedException">No sink of the database reads the table (or it does not exist).</exception>
    /// <exception cref="BackfillFailedException">The table has no primary key.</exception>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    public static async Task<ChangeMessage?> ReadAsync(DatabaseConfig database, IReadOnlyList<SinkConfig> sinks, string table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        var request = new BackfillRequest(table.Trim(), BackfillKind.Full);
        var connection = new NpgsqlConnection(database.BuildConnectionString());
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await CheckScopeAsync(connection, database, sinks, request.QualifiedTable, cancellationToken).ConfigureAwait(false);
            var described = await BackfillTable.LoadAsync(connection, request, cancellationToken).ConfigureAwait(false);
            var relation = described.Relation;
            var select = "select " + string.Join(", ", relation.Columns.Select(c => "t." + BackfillTable.Quote(c.Name)))
                + " from " + BackfillTable.Quote(relation.Schema) + "." + BackfillTable.Quote(relation.Table) + " t order by "
                + string.Join(", ", described.PrimaryKeyIndexes.Select(i => "t." + BackfillTable.Quote(relation.Columns[i].Name) + " desc")) + " limit 1";
            var command = new NpgsqlCommand(select, connection) { AllResultTypesAreUnknown = true };
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return null;
                    }

                    var values = new ColumnValue[relation.Columns.Count];
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = reader.IsDBNull(i) ? ColumnValue.Null : ColumnValue.FromText(reader.GetString(i));
                    }

                    var source = new SourceDatabaseInfo(database.Name, database.Name, database.Database, database.Hostname, database.AnnotationsJson);
                    return new ChangeMessage(ChangeAction.Read, new RowImage(relation, values), null, new TransactionInfo(0, DateTimeOffset.UtcNow, 0), 0, source);
                }
            }
        }
    }

    /// <summary>Throws <see cref="SampleTableRefusedException"/> unless <paramref name="name"/> is a table a sink of the database reads.</summary>
    private static async Task CheckScopeAsync(NpgsqlConnection connection, DatabaseConfig database, IReadOnlyList<SinkConfig> sinks, string name, CancellationToken cancellationToken)
    {
        var refused = new SampleTableRefusedException(
            $"Table '{name}' is not a table a sink of database '{database.Name}' reads (in publication '{database.Publication.Name}' and taken by a sink's source): "
            + "the routing editor samples only those. Paste a message instead.");
        var readers = sinks.Where(s => string.Equals(s.Settings.Database, database.Name, StringComparison.Ordinal)).Select(s => new Pipeline.SourceFilter(s.Settings)).ToList();
        if (readers.Count == 0)
        {
            throw refused;
        }

        string schema;
        string relation;
        var find = new NpgsqlCommand(
            """
            select n.nspname, c.relname
            from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where c.oid = pg_catalog.to_regclass(@name)
              and exists (select 1 from pg_catalog.pg_publication_tables p where p.pubname = @publication and p.schemaname = n.nspname and p.tablename = c.relname)
            """,
            connection);
        await using (find.ConfigureAwait(false))
        {
            find.Parameters.AddWithValue("name", name);
            find.Parameters.AddWithValue("publication", database.Publication.Name);
            try
            {
                var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        throw refused;
                    }

                    (schema, relation) = (reader.GetString(0), reader.GetString(1));
                }
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InvalidName or PostgresErrorCodes.SyntaxError or PostgresErrorCodes.InvalidSchemaName or PostgresErrorCodes.InvalidParameterValue)
            {
                // to_regclass refuses a malformed name ('a.b.c.d', a database other than this one).
                throw refused;
            }
        }

        if (ForbiddenSchemas.Contains(schema, StringComparer.Ordinal) || !readers.Any(r => r.TakesTable(schema, relation)))
        {
            throw refused;
        }
    }
}
