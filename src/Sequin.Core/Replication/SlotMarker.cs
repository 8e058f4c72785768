using Npgsql;
using NpgsqlTypes;
using Sequin.Parking;

namespace Sequin.Replication;

/// <summary>
/// The durable record that Sequin has read a replication slot: one row per slot in
/// <c>sequin_state.replication_slots</c> of the slot's own database, written the first time a host uses (or creates)
/// the slot, and given the last acknowledged position on every graceful stop. With it, a slot that disappears while no
/// host was running is recognised on the next start as dropped (an error), never silently created again at the current
/// position, which would skip every change in between. Deleting the row is how an operator accepts such a loss.
/// </summary>
/// <remarks>
/// Sequin's own schema is not delivered to sinks (<see cref="PgOutputDecoder"/> skips it) even when a publication
/// covers all tables. A role that may not create the schema gets a warning and no marker: a slot dropped while no host
/// runs is then recreated as before.
/// </remarks>
internal static class SlotMarker
{
    /// <summary>Sequin's own schema in the source database.</summary>
    public const string Schema = "sequin_state";

    /// <summary>The marker table, qualified.</summary>
    public const string Table = Schema + ".replication_slots";

    private const string CreateSql = StateSchema.CreateIfMissingSql + $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            slot_name text PRIMARY KEY,
            first_used_at timestamptz NOT NULL DEFAULT now(),
            last_acknowledged_lsn pg_lsn
        );
        """;

    /// <summary>The marker of <paramref name="slot"/>, or null when there is none (or no marker table).</summary>
    public static async Task<(DateTimeOffset FirstUsedAt, ulong? LastAcknowledged)?> ReadAsync(NpgsqlConnection connection, string slot, CancellationToken cancellationToken)
    {
        var exists = new NpgsqlCommand("SELECT pg_catalog.to_regclass(@t) IS NOT NULL", connection);
        await using (exists.ConfigureAwait(false))
        {
            exists.Parameters.AddWithValue("t", Table);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                return null;
            }
        }

        var command = new NpgsqlCommand($"SELECT first_used_at, last_acknowledged_lsn FROM {Table} WHERE slot_name = @s", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddWithValue("s", slot);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var firstUsed = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc));
        ulong? lsn = reader.IsDBNull(1) ? null : (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(1);
        return (firstUsed, lsn);
    }

    /// <summary>Records that <paramref name="slot"/> is used (once; later calls change nothing).</summary>
    /// <exception cref="PostgresException">The role may not create the schema or table, or write it.</exception>
    public static async Task RecordAsync(NpgsqlConnection connection, string slot, CancellationToken cancellationToken)
    {
        // The DDL only when the table is missing: CREATE TABLE IF NOT EXISTS needs CREATE on the schema even when it exists.
        var exists = await StateSchema.AllExistAsync(connection, null, [Table], cancellationToken).ConfigureAwait(false);
        var command = new NpgsqlCommand(
            (exists ? string.Empty : CreateSql) + $"INSERT INTO {Table} (slot_name) VALUES (@s) ON CONFLICT (slot_name) DO NOTHING;", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddWithValue("s", slot);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores the position acknowledged on a graceful stop (where a lost range would start).</summary>
    public static async Task RecordAcknowledgedAsync(NpgsqlConnection connection, string slot, ulong lsn, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            $"UPDATE {Table} SET last_acknowledged_lsn = CAST(@l AS pg_lsn) WHERE slot_name = @s AND (last_acknowledged_lsn IS NULL OR last_acknowledged_lsn < CAST(@l AS pg_lsn))",
            connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddWithValue("s", slot);
        command.Parameters.AddWithValue("l", new NpgsqlLogSequenceNumber(lsn).ToString());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
