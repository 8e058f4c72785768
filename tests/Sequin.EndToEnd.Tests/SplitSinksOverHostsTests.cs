using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 30, item 5: scaling beyond one host by splitting sinks, each host with its own configuration, slot and
/// publication. Both deliver; each costs the database one walsender; a restart of one does not touch the other.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SplitSinksOverHostsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task TwoHostsWithTheirOwnSlotsDeliverIndependentlyAndARestartOfOneLeavesTheOtherStreaming()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "split");
        var slotA = scenario.SlotName;
        var slotB = scenario.SlotName + "_b";
        try
        {
            await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY); CREATE TABLE users (id int PRIMARY KEY)");
            var configA = WriteConfig(scenario, "a", slotA, "pub_orders", "orders");
            var configB = WriteConfig(scenario, "b", slotB, "pub_users", "users");
            var outputA = Path.Combine(scenario.Directory, "a.jsonl");
            var outputB = Path.Combine(scenario.Directory, "b.jsonl");
            var a = SequinHostProcess.Start(configA);
            await using var b = SequinHostProcess.Start(configB);
            try
            {
                await a.WaitForOutputAsync(StandbyPair.Leads, TimeSpan.FromSeconds(60));
                await b.WaitForOutputAsync(StandbyPair.Leads, TimeSpan.FromSeconds(60));
                await WaitForActiveAsync(scenario, slotA, a);
                await WaitForActiveAsync(scenario, slotB, b);

                // One walsender (and one decoding of the WAL) per slot.
                Assert.Equal(2L, await scenario.ScalarAsync<long>($"""
                    SELECT count(*) FROM pg_stat_replication WHERE pid IN (SELECT active_pid FROM pg_replication_slots WHERE slot_name IN ('{slotA}', '{slotB}'))
                    """));

                await scenario.ExecuteAsync("INSERT INTO orders SELECT g FROM generate_series(1, 100) g; INSERT INTO users SELECT g FROM generate_series(1, 100) g");
                await Eventually.UntilAsync(() => StdoutSinkOutput.Count(outputA) == 100 && StdoutSinkOutput.Count(outputB) == 100, () => $"100 changes in each file; output:\n{a.Output}\n{b.Output}");

                // Restart host a: host b keeps its walsender and delivers while a is down.
                var walsenderB = await ActivePidAsync(scenario, slotB);
                Assert.Equal(0, await a.StopAsync());
                await scenario.ExecuteAsync("INSERT INTO orders SELECT g FROM generate_series(101, 150) g; INSERT INTO users SELECT g FROM generate_series(101, 150) g");
                await Eventually.UntilAsync(() => StdoutSinkOutput.Count(outputB) == 150, () => "host b delivers while host a is down; output:\n" + b.Output);
                await a.DisposeAsync();
                a = SequinHostProcess.Start(configA);
                await Eventually.UntilAsync(() => StdoutSinkOutput.Read(outputA).Select(m => (int)m["record"]!["id"]!).Distinct().Count() == 150, () => "host a catches up after its restart; output:\n" + a.Output);
                Assert.Equal(walsenderB, await ActivePidAsync(scenario, slotB));

                // Each host delivered its own table only, and neither stood by for the other (different slots, different locks).
                Assert.All(StdoutSinkOutput.Read(outputA), m => Assert.Equal("orders", (string)m["metadata"]!["table_name"]!));
                Assert.All(StdoutSinkOutput.Read(outputB), m => Assert.Equal("users", (string)m["metadata"]!["table_name"]!));
                Assert.Equal(Enumerable.Range(1, 150), StdoutSinkOutput.Read(outputB).Select(m => (int)m["record"]!["id"]!).Order());
                Assert.DoesNotContain(StandbyPair.StandingBy, b.Output, StringComparison.Ordinal);
                Assert.Equal(0, await a.StopAsync());
                Assert.Equal(0, await b.StopAsync());
            }
            finally
            {
                await a.DisposeAsync();
            }
        }
        finally
        {
            await scenario.ExecuteAsync($"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{slotB}' AND NOT active");
        }
    }

    private static string WriteConfig(DatabaseScenario scenario, string name, string slot, string publication, string table)
    {
        var path = Path.Combine(scenario.Directory, name + ".yaml");
        File.WriteAllText(path, $$"""
            databases:
              - name: db
                hostname: {{PostgresServer.Host}}
                port: {{scenario.Server.Port}}
                database: {{scenario.Database}}
                username: postgres
                slot: { name: {{slot}}, create_if_not_exists: true }
                publication: { name: {{publication}}, create_if_not_exists: true, init_sql: "CREATE PUBLICATION {{publication}} FOR TABLE {{table}}" }
            sinks:
              - name: {{name}}-file
                database: db
                destination:
                  type: stdout
                  path: "{{Path.Combine(scenario.Directory, name + ".jsonl")}}"

            """);
        return path;
    }

    private static Task WaitForActiveAsync(DatabaseScenario scenario, string slot, ChildProcess host) =>
        Eventually.UntilAsync(
            // Held by a walsender that streams (not by a backend that only checked the slot before replication started).
            async () => await scenario.ScalarAsync<long>($"""
                SELECT count(*) FROM pg_stat_replication
                WHERE state = 'streaming' AND pid = (SELECT active_pid FROM pg_replication_slots WHERE slot_name = '{slot}')
                """) == 1,
            () => $"slot {slot} streaming to a walsender; host output:\n{host.Output}");

    private static Task<int> ActivePidAsync(DatabaseScenario scenario, string slot) =>
        scenario.ScalarAsync<int>($"SELECT active_pid FROM pg_replication_slots WHERE slot_name = '{slot}'");
}
