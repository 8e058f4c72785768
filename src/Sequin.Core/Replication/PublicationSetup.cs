using Microsoft.Extensions.Logging;
using Npgsql;

namespace Sequin.Replication;

/// <summary>
/// Checks, before a slot is read, that the server can decode logically, and that the publication exists, creating it
/// when <see cref="ReplicationSourceOptions.CreatePublicationIfNotExists"/> allows (idempotent; a publication created
/// concurrently by another process is fine).
/// </summary>
internal static class PublicationSetup
{
    /// <summary>Checks <c>wal_level</c> and ensures the publication.</summary>
    /// <exception cref="InvalidOperationException">wal_level is not logical, or the publication is missing and may not be created.</exception>
    public static async Task EnsureAsync(NpgsqlConnection connection, ReplicationSourceOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var walLevel = await CatalogQueries.ScalarAsync<string>(connection, "SHOW wal_level", null, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(walLevel, "logical", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"PostgreSQL's wal_level is '{walLevel}'; logical replication needs wal_level = logical (restart required).");
        }

        if (await ExistsAsync(connection, options, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (!options.CreatePublicationIfNotExists)
        {
            throw new InvalidOperationException(
                $"Publication '{options.PublicationName}' does not exist in database '{connection.Database}'. Create it, or set publication.create_if_not_exists: true.");
        }

        var sql = options.CreatePublicationSql();
        var serverVersion = await CatalogQueries.ServerVersionNumAsync(connection, cancellationToken).ConfigureAwait(false);
        if (serverVersion < 150000 && options.UsesDefaultPublicationScope)
        {
            // PostgreSQL 14 has no FOR TABLES IN SCHEMA: list the tables schema public holds now (partition roots, not
            // their partitions, which publish_via_partition_root reports under the root).
            var tables = await PublicTablesAsync(connection, cancellationToken).ConfigureAwait(false);
            sql = options.CreatePublicationSqlForTables(tables);
            ReplicationLog.PublicationListsTablesBefore15(logger, options.PublicationName, serverVersion / 10000, tables.Count);
        }

        try
        {
            var create = new NpgsqlCommand(sql, connection);
            await using var createScope = create.ConfigureAwait(false);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            ReplicationLog.PublicationCreated(logger, options.PublicationName, sql);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateObject)
        {
            // Created concurrently: fine.
        }

        if (options.PublicationInitSql is not null && !await ExistsAsync(connection, options, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException(
                $"publication.init_sql ran but did not create publication '{options.PublicationName}'; make it create a publication of that name.");
        }
    }

    private static async Task<IReadOnlyList<string>> PublicTablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            """
            SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1
            """,
            connection);
        await using var commandScope = command.ConfigureAwait(false);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        var tables = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tables.Add("public." + reader.GetString(0));
        }

        return tables;
    }

    private static Task<bool> ExistsAsync(NpgsqlConnection connection, ReplicationSourceOptions options, CancellationToken cancellationToken) =>
        CatalogQueries.ScalarAsync<bool>(
            connection, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = @p)", options.PublicationName, cancellationToken);
}
