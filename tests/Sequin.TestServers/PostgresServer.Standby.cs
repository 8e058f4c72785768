using Npgsql;

namespace Sequin.TestServers;

/// <summary>
/// A streaming physical standby of a <see cref="PostgresServer"/>, for failover tests: a copy of the primary's data
/// directory taken while it is cleanly stopped (the npm builds carry no pg_basebackup), started in standby mode on its
/// own port, streaming through a physical slot, with logical slot synchronisation on (PostgreSQL 17+).
/// </summary>
public sealed partial class PostgresServer
{
    /// <summary>The physical slot the standby streams through (on the primary).</summary>
    public const string StandbySlotName = "sequin_test_standby";

    /// <summary>
    /// Creates and starts a standby of this server (stopped and started again meanwhile): physical slot
    /// <see cref="StandbySlotName"/> on the primary, named in its <c>synchronized_standby_slots</c> (17+); on the standby
    /// <c>primary_conninfo</c> (with a database, which slot synchronisation needs), <c>primary_slot_name</c>,
    /// <c>hot_standby_feedback = on</c> and <c>sync_replication_slots = on</c> (17+). Dispose the standby before the primary.
    /// </summary>
    public async Task<PostgresServer> StartStandbyAsync(CancellationToken cancellationToken = default)
    {
        var failoverSlots = Version >= PostgresVersion.V17;
        await ExecuteAsync($"SELECT pg_create_physical_replication_slot('{StandbySlotName}', true)", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (failoverSlots)
        {
            await ExecuteAsync($"ALTER SYSTEM SET synchronized_standby_slots = '{StandbySlotName}'", cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await StopAsync("fast", cancellationToken).ConfigureAwait(false);
        var standby = new PostgresServer(Version, _binDirectory, _asPostgresUser, DataDirectory + "-standby", FreePort());
        try
        {
            var (code, output) = _asPostgresUser
                ? await RunAsync("runuser", ["-u", "postgres", "--", "cp", "-a", DataDirectory, standby.DataDirectory], "/tmp", cancellationToken).ConfigureAwait(false)
                : await RunAsync("cp", ["-a", DataDirectory, standby.DataDirectory], null, cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                throw new InvalidOperationException($"Copying the data directory failed (exit {code}): {output}");
            }

            await StartAgainAsync(cancellationToken).ConfigureAwait(false);

            // A standby starts with no slots of its own (as pg_basebackup leaves it); the synchronised ones come from the primary.
            foreach (var entry in Directory.GetDirectories(Path.Combine(standby.DataDirectory, "pg_replslot")))
            {
                Directory.Delete(entry, recursive: true);
            }

            foreach (var stale in new[] { "postmaster.pid", "postmaster.opts", "server.log" })
            {
                File.Delete(Path.Combine(standby.DataDirectory, stale));
            }

            await File.AppendAllTextAsync(
                // postgresql.auto.conf is read last: this overrides the primary's ALTER SYSTEM settings copied with it.
                Path.Combine(standby.DataDirectory, "postgresql.auto.conf"),
                $"""

                # Sequin.TestServers standby
                port = {standby.Port}
                unix_socket_directories = '{standby.DataDirectory}'
                primary_conninfo = 'host={Host} port={Port} user=postgres dbname=postgres application_name=standby'
                primary_slot_name = '{StandbySlotName}'
                hot_standby_feedback = on
                {(failoverSlots ? "sync_replication_slots = on\nsynchronized_standby_slots = ''" : string.Empty)}

                """,
                cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(standby.DataDirectory, "standby.signal"), string.Empty, cancellationToken).ConfigureAwait(false);
            await standby.StartAgainAsync(cancellationToken).ConfigureAwait(false);
            return standby;
        }
        catch
        {
            await standby.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Promotes this standby to a primary (<c>pg_ctl promote</c>) and waits until it accepts writes.</summary>
    public async Task PromoteAsync(CancellationToken cancellationToken = default)
    {
        var (code, output) = await RunPgAsync("pg_ctl", ["promote", "-D", DataDirectory, "-w", "-t", "60"], cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"pg_ctl promote failed (exit {code}): {output}");
        }

        await ClearPoolsAsync().ConfigureAwait(false);
        await Eventually.UntilAsync(
            async () => !await ScalarAsync<bool>("SELECT pg_is_in_recovery()", cancellationToken: cancellationToken).ConfigureAwait(false),
            () => "the promoted standby leaves recovery").ConfigureAwait(false);
    }

    /// <summary>Waits until the standby has replayed the primary's WAL up to <paramref name="primary"/>'s current position.</summary>
    public async Task WaitForReplayAsync(PostgresServer primary, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(primary);
        var target = await primary.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()", cancellationToken: cancellationToken).ConfigureAwait(false);
        await Eventually.UntilAsync(
            async () => await ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_last_wal_replay_lsn()", cancellationToken: cancellationToken).ConfigureAwait(false) >= target,
            () => $"the standby replays up to {target}").ConfigureAwait(false);
    }
}
