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

    private static Task<bool> ExistsAsync(NpgsqlConnection connection, ReplicationSourceOptions options, CancellationToken cancellationToken) =>
        CatalogQueries.ScalarAsync<bool>(
            connection, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = @p)", options.PublicationName, cancellationToken);
}
