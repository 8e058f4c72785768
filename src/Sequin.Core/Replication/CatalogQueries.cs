using Npgsql;
using NpgsqlTypes;

namespace Sequin.Replication;

/// <summary>The catalog queries that preparing and guarding a slot run on a normal connection.</summary>
internal static class CatalogQueries
{
    /// <summary>What <c>pg_replication_slots</c> says of a slot.</summary>
    /// <param name="Plugin">The output plugin (Sequin needs <c>pgoutput</c>).</param>
    /// <param name="Database">The database the slot belongs to.</param>
    /// <param name="ConfirmedFlush">The position PostgreSQL keeps WAL from: where reading resumes.</param>
    /// <param name="Invalidation">
    /// Why PostgreSQL invalidated the slot (<c>invalidation_reason</c> on 17+: <c>wal_removed</c>, <c>idle_timeout</c>,
    /// <c>rows_removed</c>, <c>wal_level_insufficient</c>; on 14-16 <c>wal_removed</c> when <c>wal_status = 'lost'</c>),
    /// or null when it is usable.
    /// </param>
    /// <param name="Failover">Whether the slot is synchronised to standbys (<c>failover</c>, 17+; false before).</param>
    /// <param name="ServerVersion">The server's <c>server_version_num</c>.</param>
    internal readonly record struct SlotRow(string Plugin, string Database, ulong ConfirmedFlush, string? Invalidation, bool Failover, int ServerVersion);

    /// <summary>The slot named <paramref name="slotName"/>, or null when it does not exist. Works on PostgreSQL 14 to 18.</summary>
    public static async Task<SlotRow?> ReadSlotAsync(NpgsqlConnection connection, string slotName, CancellationToken cancellationToken)
    {
        var version = await ServerVersionNumAsync(connection, cancellationToken).ConfigureAwait(false);
        // invalidation_reason and failover are 17+; wal_status (14+) says 'lost' once the slot's WAL was removed.
        var sql = version >= 170000
            ? "SELECT plugin, database, confirmed_flush_lsn, invalidation_reason, failover FROM pg_catalog.pg_replication_slots WHERE slot_name = @p"
            : "SELECT plugin, database, confirmed_flush_lsn, CASE WHEN wal_status = 'lost' THEN 'wal_removed' END, false FROM pg_catalog.pg_replication_slots WHERE slot_name = @p";
        var command = new NpgsqlCommand(sql, connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddWithValue("p", slotName);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var plugin = reader.IsDBNull(0) ? string.Empty : reader.GetString(0);
        var database = reader.IsDBNull(1) ? string.Empty : reader.GetString(1);
        var lsn = reader.IsDBNull(2) ? 0UL : (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(2);
        var invalidation = reader.IsDBNull(3) ? null : reader.GetString(3);
        var failover = !reader.IsDBNull(4) && reader.GetBoolean(4);
        return new SlotRow(plugin, database, lsn, invalidation, failover, version);
    }

    /// <summary>The server's current WAL position (named in errors about lost ranges).</summary>
    public static Task<NpgsqlLogSequenceNumber> CurrentWalLsnAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        ScalarAsync<NpgsqlLogSequenceNumber>(connection, "SELECT pg_catalog.pg_current_wal_lsn()", null, cancellationToken);

    /// <summary>The server's <c>server_version_num</c> (e.g. 140023 for 14.23, 180004 for 18.4).</summary>
    public static async Task<int> ServerVersionNumAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        int.Parse(
            await ScalarAsync<string>(connection, "SELECT pg_catalog.current_setting('server_version_num')", null, cancellationToken).ConfigureAwait(false) ?? "0",
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="sql"/> with an optional text parameter <c>@p</c> and returns its one value (default when null).</summary>
    public static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, string sql, string? parameter, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using var commandScope = command.ConfigureAwait(false);
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("p", parameter);
        }

        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is null or DBNull ? default : (T)result;
    }
}
