using System.Text.Json.Nodes;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 2: the host is killed (SIGKILL, no graceful stop) in the middle of 20,000 committed changes and restarted.
/// Every change is delivered at least once, and the slot's confirmed position never passed an undelivered change.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CrashRecoveryTests(PostgresFixture postgres)
{
    private const int Transactions = 200;
    private const int RowsPerTransaction = 100;
    private const int Changes = Transactions * RowsPerTransaction;

    [Fact]
    public async Task KilledMidStreamAndRestartedLosesNothingAndNeverAcknowledgesAnUndeliveredChange()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "crash");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, batch int NOT NULL, payload text)");
        var config = scenario.WriteConfig();

        // The 20,000 changes are committed first (200 transactions); the first host then reads them as a burst.
        await scenario.ExecuteAsync("CREATE PUBLICATION sequin_pub FOR TABLES IN SCHEMA public");
        await scenario.ExecuteAsync($"SELECT pg_create_logical_replication_slot('{scenario.SlotName}', 'pgoutput')");
        await scenario.ExecuteAsync($"""
            DO $$
            BEGIN
              FOR b IN 0..{Transactions - 1} LOOP
                INSERT INTO t SELECT g, b, repeat('x', 100) FROM generate_series(b * {RowsPerTransaction} + 1, (b + 1) * {RowsPerTransaction}) g;
                COMMIT;
              END LOOP;
            END $$;
            """);

        // The first host writes into a pipe drained by a slow reader (2,000 lines/s), so it is certainly mid-stream
        // when killed; what it wrote before dying is still read from the pipe.
        var firstOutput = Path.Combine(scenario.Directory, "first.jsonl");
        await using var pipe = await SlowPipe.CreateAsync(scenario.Directory, firstOutput, linesPerSecond: 2000);
        var firstConfig = Path.Combine(scenario.Directory, "first.yaml");
        File.WriteAllText(firstConfig, File.ReadAllText(config).Replace(scenario.OutputPath, pipe.PipePath, StringComparison.Ordinal));
        var first = SequinHostProcess.Start(firstConfig);
        pipe.Start(first.ProcessId);
        await Eventually.UntilAsync(() => StdoutSinkOutput.Count(firstOutput) >= 1000, () => "1,000 changes delivered by the first host; output:\n" + first.Output);
        await first.KillAsync();
        Assert.NotEqual(0, first.ExitCode);
        await pipe.DrainAsync();

        var confirmedAtCrash = await scenario.ConfirmedFlushAsync();
        var deliveredBeforeCrash = StdoutSinkOutput.Read(firstOutput).Select(Key).ToHashSet();
        Assert.InRange(deliveredBeforeCrash.Count, 1000, Changes / 2);

        var deliveredIds = StdoutSinkOutput.Read(firstOutput).Select(m => (int)m["record"]!["id"]!).ToList();

        // Restart: reading resumes at the confirmed position; everything after it is delivered (again).
        await using var second = SequinHostProcess.Start(config);
        await Eventually.UntilAsync(
            () => StdoutSinkOutput.Read(scenario.OutputPath).Select(m => (int)m["record"]!["id"]!).Concat(deliveredIds).Distinct().Count() == Changes,
            () => $"all {Changes} rows delivered after the restart; host output:\n{second.Output}",
            TimeSpan.FromMinutes(3));
        Assert.Equal(0, await second.StopAsync());

        var all = StdoutSinkOutput.Read(firstOutput).Concat(StdoutSinkOutput.Read(scenario.OutputPath)).ToList();
        Assert.Equal(Enumerable.Range(1, Changes), all.Select(m => (int)m["record"]!["id"]!).Distinct().Order());

        // Nothing the slot had confirmed at the crash was still undelivered: every change committed before the
        // confirmed position is among what the first run delivered.
        var confirmedButUndelivered = all
            .Where(m => (ulong)m["metadata"]!["commit_lsn"]! < confirmedAtCrash && !deliveredBeforeCrash.Contains(Key(m)))
            .Select(m => (int)m["record"]!["id"]!)
            .ToList();
        Assert.Empty(confirmedButUndelivered);

        // The restart re-read from the confirmed position, not from the start: only changes at or after it came twice.
        var readAgain = all.GroupBy(Key).Where(g => g.Count() > 1).Select(g => g.First()).ToList();
        Assert.All(readAgain, m => Assert.True((ulong)m["metadata"]!["commit_lsn"]! >= confirmedAtCrash, "a change before the confirmed position was delivered twice"));
    }

    private static string Key(JsonObject message) => (string)message["metadata"]!["idempotency_key"]!;
}
