using Npgsql;
using Sequin.Configuration;

namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>
/// Builds <c>GET /api/databases</c>: each database's status (<c>idle</c>, <c>starting</c>, <c>running</c>, or
/// <c>standby</c> while another host holds its leader lock) from the runtime, its slot from the server.
/// </summary>
internal static class DatabaseViews
{
    private const string SlotQuery = """
        select active, confirmed_flush_lsn::text, (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint
        from pg_replication_slots where slot_name = $1
        """;

    public static async Task<IReadOnlyList<DatabaseView>> ListAsync(SequinServices sequin, CancellationToken cancellationToken)
    {
        if (sequin.Config is not { } config)
        {
            return [];
        }

        var consumers = SinkViews.Consumers(sequin);
        var replication = sequin.Runtime?.Replication ?? [];
        var views = new List<DatabaseView>();
        foreach (var database in config.Databases)
        {
            var sinks = config.Sinks.Where(s => s.Settings.Database == database.Name).ToList();
            var active = sinks.Where(s => s.Status == SinkStatus.Active).ToList();
            var standby = replication.Any(r => r.Database == database.Name && r.IsStandby);
            var status = active.Count == 0 ? "idle"
                : standby ? "standby"
                : !active.All(s => consumers.ContainsKey(s.Name)) ? "starting"
                : active.All(s => consumers[s.Name].IsPaused) ? "paused"
                : "running";
            var (slot, error) = await SlotAsync(database, cancellationToken).ConfigureAwait(false);
            views.Add(new DatabaseView(database.Name, status, database.Slot.Name, database.Publication.Name, [.. sinks.Select(s => s.Name)], slot, error));
        }

        return views;
    }

    private static async Task<(SlotFigures? Slot, string? Error)> SlotAsync(DatabaseConfig database, CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(database.BuildConnectionString()) { ApplicationName = "sequin-http", Timeout = 5, CommandTimeout = 5 }.ConnectionString;
        try
        {
            var connection = new NpgsqlConnection(connectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                using var command = new NpgsqlCommand(SlotQuery, connection) { Parameters = { new() { Value = database.Slot.Name } } };
                using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return (new SlotFigures(false, false, null, null), null);
                }

                return (new SlotFigures(
                    true,
                    reader.GetBoolean(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetInt64(2)), null);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return (null, $"{database.Hostname}:{database.Port}/{database.Database}: {e.Message}");
        }
    }
}
