using System.Diagnostics;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;
using Xunit.Abstractions;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 30, item 2: a PostgreSQL 17 primary and a streaming physical standby (slot synchronisation on), the host
/// given both (<c>hostname: primary:port,standby:port</c>). With <c>slot.failover: true</c> the standby keeps a copy
/// of the slot; the primary is stopped mid-stream and the standby promoted, and the host goes on from the new primary
/// with every change delivered (at least once). Without it, the slot is missing on the new primary: the host stops
/// with the slot-loss error instead of creating a new slot and skipping changes.
/// </summary>
public sealed class PostgresFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AFailoverSlotSurvivesThePromotionOfTheStandbyAndNothingIsLost()
    {
        var clock = Stopwatch.StartNew();
        await using var primary = await PostgresServer.StartAsync(PostgresVersion.V17);
        await using var scenario = await StdoutScenario.CreateAsync(primary, "failover");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY)");
        await using var standby = await primary.StartStandbyAsync();
        scenario.HostnameYaml = $"{PostgresServer.Host}:{primary.Port},{PostgresServer.Host}:{standby.Port}";
        scenario.SlotExtraYaml = "failover: true";
        await using var host = SequinHostProcess.Start(scenario.WriteConfig());
        await scenario.WaitForSlotActiveAsync(host);
        Assert.True(await scenario.ScalarAsync<bool>($"SELECT failover FROM pg_replication_slots WHERE slot_name = '{scenario.SlotName}'"));

        await InsertAsync(primary, scenario.Database, 1, 100);
        await scenario.WaitForMessagesAsync(100, host);
        // The standby's copy of the slot: synchronised, and persistent (a first sync may be temporary until it caught up).
        await Eventually.UntilAsync(
            async () => await standby.ScalarAsync<bool>(
                $"SELECT coalesce(bool_and(synced AND NOT temporary), false) FROM pg_replication_slots WHERE slot_name = '{scenario.SlotName}'"),
            () => "the slot synchronised to the standby");

        // Mid-stream: more changes, then the primary goes away and the standby is promoted.
        await InsertAsync(primary, scenario.Database, 101, 200);
        await standby.WaitForReplayAsync(primary);
        await primary.StopAsync("fast");
        var promotedAt = clock.Elapsed;
        await standby.PromoteAsync();

        await InsertAsync(standby, scenario.Database, 201, 300);
        await Eventually.UntilAsync(
            () => Task.FromResult(StdoutSinkOutput.Read(scenario.OutputPath).Select(m => (int)m["record"]!["id"]!).Distinct().Count() == 300 || host.HasExited),
            () => "every change delivered after the failover; host output:\n" + host.Output,
            TimeSpan.FromSeconds(180));
        var ids = StdoutSinkOutput.Read(scenario.OutputPath).Select(m => (int)m["record"]!["id"]!).ToList();
        Assert.False(host.HasExited, host.Output);
        Assert.Equal(Enumerable.Range(1, 300), ids.Distinct().Order());
        output.WriteLine($"delivered {ids.Count} messages for 300 changes ({ids.Count - 300} again); from promotion to the last change delivered: "
            + $"{(clock.Elapsed - promotedAt).TotalSeconds:0.0} s; whole test {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task WithoutFailoverThePromotedStandbyHasNoSlotAndTheHostStopsWithTheSlotLossError()
    {
        await using var primary = await PostgresServer.StartAsync(PostgresVersion.V17);
        await using var scenario = await StdoutScenario.CreateAsync(primary, "nofailover");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY)");
        await using var standby = await primary.StartStandbyAsync();
        scenario.HostnameYaml = $"{PostgresServer.Host}:{primary.Port},{PostgresServer.Host}:{standby.Port}";
        await using var host = SequinHostProcess.Start(scenario.WriteConfig());
        await scenario.WaitForSlotActiveAsync(host);
        Assert.False(await scenario.ScalarAsync<bool>($"SELECT failover FROM pg_replication_slots WHERE slot_name = '{scenario.SlotName}'"));

        await InsertAsync(primary, scenario.Database, 1, 100);
        await scenario.WaitForMessagesAsync(100, host);
        await standby.WaitForReplayAsync(primary);
        await primary.StopAsync("fast");
        await standby.PromoteAsync();
        await InsertAsync(standby, scenario.Database, 101, 150);

        Assert.Equal(1, await host.WaitForExitAsync(TimeSpan.FromSeconds(180)));
        // The slot-loss error: seen while reading, or (when the primary's end also ended this host's leader-lock session,
        // so that it took the lock again on the promoted standby and checked the slot anew) from the durable record.
        var output = host.Output;
        Assert.True(
            output.Contains($"Replication slot '{scenario.SlotName}' was dropped while Sequin was reading it", StringComparison.Ordinal)
            || output.Contains($"Replication slot '{scenario.SlotName}' does not exist, but Sequin has read it since", StringComparison.Ordinal),
            "no slot-loss error in:\n" + output);
        Assert.Equal(0L, await standby.ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{scenario.SlotName}'", scenario.Database));
        Assert.Equal(Enumerable.Range(1, 100), StdoutSinkOutput.Read(scenario.OutputPath).Select(m => (int)m["record"]!["id"]!).Distinct().Order());
    }

    private static Task InsertAsync(PostgresServer server, string database, int from, int to) =>
        server.ExecuteAsync(string.Concat(Enumerable.Range(from, to - from + 1).Select(i => $"INSERT INTO t VALUES ({i});")), database);
}
