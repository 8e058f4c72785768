using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 30, item 3: a slot PostgreSQL invalidated while the host was stopped (<c>max_slot_wal_keep_size</c> on 14
/// and 17, <c>wal_status = 'lost'</c>; PostgreSQL 18's <c>idle_replication_slot_timeout</c>) stops the host at once with
/// an error naming the reason and the recovery, not a reconnect loop; the documented recovery works. Each case runs a
/// server of its own (it changes server settings).
/// </summary>
public sealed class SlotInvalidationTests
{
    /// <summary>14 reports the loss as <c>wal_status = 'lost'</c> only; 17 adds <c>invalidation_reason</c>.</summary>
    public static TheoryData<PostgresVersion> Versions => [PostgresVersion.V14, PostgresVersion.V17];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ASlotWhoseWalWasRemovedStopsTheHostWithTheReasonAndTheRecovery(PostgresVersion version)
    {
        await using var server = await PostgresServer.StartAsync(version);
        await using var scenario = await StdoutScenario.CreateAsync(server, "walremoved");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY)");
        var config = scenario.WriteConfig();
        await DeliverOneAndStopAsync(scenario, config);

        // While no host runs: the slot may keep 1 MB of WAL; three segment switches and a checkpoint remove what it needs.
        await server.ExecuteAsync("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'");
        await server.ExecuteAsync("SELECT pg_reload_conf()");
        for (var i = 2; i <= 4; i++)
        {
            await scenario.ExecuteAsync($"INSERT INTO t VALUES ({i})");
            await scenario.ExecuteAsync("SELECT pg_switch_wal()");
        }

        await scenario.ExecuteAsync("CHECKPOINT");
        Assert.Equal("lost", await scenario.ScalarAsync<string>($"SELECT wal_status FROM pg_replication_slots WHERE slot_name = '{scenario.SlotName}'"));

        var output = await RunExpectingInvalidationAsync(scenario, config, "wal_removed");
        Assert.Contains("max_slot_wal_keep_size", output, StringComparison.Ordinal);

        // The recovery the error names: drop the slot, delete Sequin's record, restart; new changes flow.
        await server.ExecuteAsync("ALTER SYSTEM RESET max_slot_wal_keep_size");
        await server.ExecuteAsync("SELECT pg_reload_conf()");
        await scenario.ExecuteAsync($"SELECT pg_drop_replication_slot('{scenario.SlotName}')");
        await scenario.ExecuteAsync($"DELETE FROM sequin_state.replication_slots WHERE slot_name = '{scenario.SlotName}'");
        await using var recovered = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(recovered);
        await scenario.ExecuteAsync("INSERT INTO t VALUES (5)");
        await scenario.WaitForMessagesAsync(2, recovered);
        Assert.Equal(0, await recovered.StopAsync());
        Assert.Equal([1, 5], StdoutSinkOutput.Read(scenario.OutputPath).Select(m => (int)m["record"]!["id"]!));
    }

    [Fact]
    public async Task ASlotIdleLongerThanIdleReplicationSlotTimeoutStopsTheHostWithTheReason()
    {
        await using var server = await PostgresServer.StartAsync(PostgresVersion.V18);
        await using var scenario = await StdoutScenario.CreateAsync(server, "idletimeout");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY)");
        var config = scenario.WriteConfig();
        await DeliverOneAndStopAsync(scenario, config);

        // PostgreSQL 18 invalidates, at a checkpoint, a slot unused for longer than idle_replication_slot_timeout.
        await server.ExecuteAsync("ALTER SYSTEM SET idle_replication_slot_timeout = '1s'");
        await server.ExecuteAsync("SELECT pg_reload_conf()");
        await Eventually.UntilAsync(
            async () =>
            {
                await scenario.ExecuteAsync("CHECKPOINT");
                return await scenario.ScalarAsync<string?>($"SELECT invalidation_reason FROM pg_replication_slots WHERE slot_name = '{scenario.SlotName}'") == "idle_timeout";
            },
            () => "the idle slot invalidated (idle_timeout)");

        var output = await RunExpectingInvalidationAsync(scenario, config, "idle_timeout");
        Assert.Contains("idle_replication_slot_timeout", output, StringComparison.Ordinal);
    }

    private static async Task DeliverOneAndStopAsync(StdoutScenario scenario, string config)
    {
        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);
        await scenario.ExecuteAsync("INSERT INTO t VALUES (1)");
        await scenario.WaitForMessagesAsync(1, host);
        Assert.Equal(0, await host.StopAsync());
    }

    /// <summary>Runs the host to its end: it must stop by itself, at once, with the invalidation error and no reconnect attempt.</summary>
    private static async Task<string> RunExpectingInvalidationAsync(StdoutScenario scenario, string config, string reason)
    {
        var (exit, output) = await SequinHostProcess.RunToEndAsync("run", "--config", config, "--plugins-dir", BuildPaths.Plugins);
        Assert.Equal(1, exit);
        Assert.Contains($"Replication slot '{scenario.SlotName}' was invalidated by PostgreSQL ({reason}:", output, StringComparison.Ordinal);
        Assert.Contains($"pg_drop_replication_slot('{scenario.SlotName}')", output, StringComparison.Ordinal);
        Assert.Contains("DELETE FROM sequin_state.replication_slots", output, StringComparison.Ordinal);
        Assert.Contains("backfill", output, StringComparison.Ordinal);
        Assert.DoesNotContain("reconnecting", output, StringComparison.OrdinalIgnoreCase);
        Assert.Single(StdoutSinkOutput.Read(scenario.OutputPath));
        return output;
    }
}
