using Npgsql;
using Sequin.Configuration;
using Sequin.Messages;

namespace Sequin.Backfills;

/// <summary>
/// Reads a table's most recent row (the highest primary key) as the <c>read</c> message a backfill would send for it:
/// the real sample message the console's routing editor runs a function on. Values are read in the text result format
/// (each type's output function), as backfills and pgoutput carry them, so the function sees what it would see in
/// production.
/// </summary>
internal static class LatestRowReader
{
    /// <summary>Reads the row, or returns null when the table is empty.</summary>
    /// <param name="database">The configured database to read from.</param>
    /// <param name="table">The table, <c>schema.table</c> or a bare name (schema <c>public</c>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="BackfillFailedException">The table does not exist or has no primary key.</exception>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    public static async Task<ChangeMessage?> ReadAsync(DatabaseConfig database, string table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        var connection = new NpgsqlConnection(database.BuildConnectionString());
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var described = await BackfillTable.LoadAsync(connection, new BackfillRequest(table.Trim(), BackfillKind.Full), cancellationToken).ConfigureAwait(false);
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
}
