using System.Diagnostics;
using System.Text.Json.Nodes;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;
using Xunit.Abstractions;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 10, fault injection with a PostgreSQL of the test's own: restarted under a host that is mid-stream (the host
/// reconnects by itself; the time to resume is measured), and unreachable when the host starts (it waits per
/// <c>await_database</c>, logging each attempt, then delivers; or gives up with a clear error after the timeout).
/// Each checks what arrived: every committed change, in order per row, duplicates only at or after the position the
/// slot had acknowledged.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private const int Transactions = 100;
    private const int RowsPerTransaction = 100;
    private const int Rows = Transactions * RowsPerTransaction;

    [Fact]
    public async Task PostgresRestartedMidStreamTheHostReconnectsByItselfAndLosesNothing()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var scenario = await StdoutScenario.CreateAsync(server, "restart");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL, payload text)");
        var config = scenario.WriteConfig();

        // The host writes into a pipe drained at 2,000 lines/s, so it is certainly mid-stream when PostgreSQL restarts.
        var delivered = Path.Combine(scenario.Directory, "delivered.jsonl");
        await using var pipe = await SlowPipe.CreateAsync(scenario.Directory, delivered, linesPerSecond: 2000);
        File.WriteAllText(config, File.ReadAllText(config).Replace(scenario.OutputPath, pipe.PipePath, StringComparison.Ordinal));
        await using var host = SequinHostProcess.Start(config);
        pipe.Start(host.ProcessId);
        await scenario.WaitForSlotActiveAsync(host);
        await scenario.ExecuteAsync($"""
            DO $$
            BEGIN
              FOR b IN 0..{Transactions - 1} LOOP
                INSERT INTO t SELECT g, 0, repeat('x', 100) FROM generate_series(b * {RowsPerTransaction} + 1, (b + 1) * {RowsPerTransaction}) g;
                COMMIT;
              END LOOP;
            END $$;
            """);
        await Eventually.UntilAsync(() => StdoutSinkOutput.Count(delivered) >= 1000, () => "1,000 changes delivered; host output:\n" + host.Output);

        // A clean restart ("fast"). PostgreSQL 15 saves a slot to disk only when its restart_lsn or xmin moved, not
        // when only confirmed_flush_lsn did (version 17 also saves it at shutdown), so after the restart the slot may
        // resume from an older confirmed position than the host acknowledged: but never from one before restart_lsn.
        // Changes from there may come twice (at least once); nothing before it may.
        var acknowledged = await scenario.RestartLsnAsync();
        await server.RestartAsync("fast");
        var restarted = Stopwatch.StartNew();
        await scenario.WaitForSlotActiveAsync(host);
        var resumed = restarted.Elapsed;
        output.WriteLine($"PostgreSQL back to the host streaming again: {resumed.TotalSeconds:0.00} s");

        // Changes after the restart: updates of rows already delivered, so order per row is tested across the outage.
        for (var round = 1; round <= 3; round++)
        {
            await scenario.ExecuteAsync($"UPDATE t SET v = {round} WHERE id <= 50");
        }

        await Eventually.UntilAsync(
            () => StdoutSinkOutput.Read(delivered).Count(m => (string)m["action"]! == "update") >= 150,
            () => "the updates after the restart delivered; host output:\n" + host.Output,
            TimeSpan.FromMinutes(2));
        Assert.Equal(0, await host.StopAsync());
        await pipe.DrainAsync();

        var all = StdoutSinkOutput.Read(delivered);
        AssertComplete(all, Rows, acknowledged);
        // The restart ends the replication connection (a reconnect) and the leader lock's session: the host stops
        // leading (fenced), takes the lock again once PostgreSQL is back, and reads on (issue 30).
        Assert.True(
            host.Output.Contains("Replication connection for slot", StringComparison.Ordinal) || host.Output.Contains("lost leadership", StringComparison.Ordinal),
            "neither a reconnect nor a lost leadership in:\n" + host.Output);
        Assert.DoesNotContain("   at ", host.Output, StringComparison.Ordinal); // reconnects are one line, no stack trace
        Assert.True(resumed < TimeSpan.FromSeconds(30), $"resumed after {resumed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task ADatabaseUnreachableAtStartIsWaitedForWithALogLinePerAttemptThenChangesFlow()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var scenario = await StdoutScenario.CreateAsync(server, "await");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL)");
        scenario.DatabaseExtraYaml = "await_database: { timeout_ms: 120000, interval_ms: 200 }";
        var config = scenario.WriteConfig();
        await server.StopAsync();

        await using var host = SequinHostProcess.Start(config);
        await Eventually.UntilAsync(
            () => CountOf(host.Output, "Database db is not reachable yet") >= 3,
            () => "three waiting lines; output:\n" + host.Output);
        Assert.False(host.HasExited);
        Assert.Contains("attempt 2, retrying in", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", host.Output, StringComparison.Ordinal);

        await server.StartAgainAsync();
        await scenario.WaitForSlotActiveAsync(host);
        await host.WaitForOutputAsync("Database db is reachable");
        await scenario.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(1, 100) g");
        await scenario.ExecuteAsync("UPDATE t SET v = 1 WHERE id <= 10");
        await scenario.WaitForMessagesAsync(110, host);
        Assert.Equal(0, await host.StopAsync());
        AssertComplete(StdoutSinkOutput.Read(scenario.OutputPath), 100, acknowledged: 0);
    }

    [Fact]
    public async Task ADatabaseStillUnreachableAfterAwaitDatabaseTimeoutFailsWithAClearError()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var scenario = await StdoutScenario.CreateAsync(server, "awaitfail");
        scenario.DatabaseExtraYaml = "await_database: { timeout_ms: 2000, interval_ms: 300 }";
        var config = scenario.WriteConfig();
        await server.StopAsync();

        var clock = Stopwatch.StartNew();
        var (exit, text) = await SequinHostProcess.RunToEndAsync("run", "--config", config, "--plugins-dir", BuildPaths.Plugins);
        output.WriteLine($"gave up after {clock.Elapsed.TotalSeconds:0.00} s:\n{text}");
        Assert.Equal(1, exit);
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(2), $"exited after {clock.Elapsed.TotalSeconds:0.0} s without waiting");
        Assert.True(CountOf(text, "Database db is not reachable yet") >= 2, text);
        Assert.Contains("Database 'db' (127.0.0.1:", text, StringComparison.Ordinal);
        Assert.Contains("await_database.timeout_ms: 2000", text, StringComparison.Ordinal);
        await server.StartAgainAsync(); // so that disposing the scenario can clean up
    }

    /// <summary>
    /// Every row 1..<paramref name="rows"/> inserted, every update delivered after its row's earlier changes (first
    /// deliveries in commit order per row), and only changes at or after <paramref name="acknowledged"/> delivered twice.
    /// </summary>
    private static void AssertComplete(IReadOnlyList<JsonObject> all, int rows, ulong acknowledged)
    {
        Assert.Equal(Enumerable.Range(1, rows), all.Where(m => (string)m["action"]! == "insert").Select(Id).Distinct().Order());
        foreach (var row in all.GroupBy(Id))
        {
            var firsts = row.DistinctBy(Key).Select(m => (ulong)m["metadata"]!["commit_lsn"]!).ToList();
            Assert.True(firsts.SequenceEqual(firsts.Order()), $"row {row.Key}: changes out of commit order");
        }

        var twice = all.GroupBy(Key).Where(g => g.Count() > 1).Select(g => g.First()).ToList();
        Assert.All(twice, m => Assert.True((ulong)m["metadata"]!["commit_lsn"]! >= acknowledged, "a change before the acknowledged position came twice"));
    }

    private static int Id(JsonObject message) => (int)message["record"]!["id"]!;

    private static string Key(JsonObject message) => (string)message["metadata"]!["idempotency_key"]!;

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
