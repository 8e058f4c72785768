using System.Text.Json.Nodes;
using Sequin.Backfills;
using Sequin.EndToEnd.Tests.Support;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 15: the host is killed with SIGKILL in the middle of a backfill while a writer changes rows, and restarted.
/// The backfill resumes from its durable cursor (not from the start), no page is lost, and the sink's final state
/// (first run's output, then the second's, applied in order per key) equals the table.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BackfillCrashTests(PostgresFixture postgres)
{
    private const int Rows = 30_000;

    [Fact]
    public async Task AHostKilledMidBackfillResumesFromItsCursorAndTheSinkEndsEqualToTheTable()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "backfill_crash");
        await scenario.ExecuteAsync($"CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL); INSERT INTO t SELECT g, 0 FROM generate_series(1, {Rows}) g");
        var config = scenario.WriteConfig("initial_backfill: true");

        // The first host writes into a pipe drained at 2,000 lines/s, so it is mid-backfill when killed.
        var firstOutput = Path.Combine(scenario.Directory, "first.jsonl");
        await using var pipe = await SlowPipe.CreateAsync(scenario.Directory, firstOutput, linesPerSecond: 2000);
        var firstConfig = Path.Combine(scenario.Directory, "first.yaml");
        File.WriteAllText(firstConfig, File.ReadAllText(config).Replace(scenario.OutputPath, pipe.PipePath, StringComparison.Ordinal));
        var first = SequinHostProcess.Start(firstConfig);
        pipe.Start(first.ProcessId);
        await using var store = new BackfillStore(scenario.Server.ConnectionString(scenario.Database));
        await Eventually.UntilAsync(
            async () => (await store.ListAsync(null, activeOnly: false, CancellationToken.None)).SingleOrDefault() is { Cursor: not null, Status: BackfillStatus.Active },
            () => "the first host saved a cursor; output:\n" + first.Output);
        await scenario.ExecuteAsync("UPDATE t SET v = v + 1 WHERE id % 97 = 0; DELETE FROM t WHERE id % 1013 = 0");
        await first.KillAsync();
        Assert.NotEqual(0, first.ExitCode);
        await pipe.DrainAsync();
        var atCrash = (await store.ListAsync(null, activeOnly: false, CancellationToken.None)).Single();
        Assert.Equal(BackfillStatus.Active, atCrash.Status);
        Assert.InRange(atCrash.RowsRead, 1, Rows - 1);

        // Changes made while no host runs come from the slot after the restart.
        await scenario.ExecuteAsync("UPDATE t SET v = v + 10 WHERE id % 89 = 0; DELETE FROM t WHERE id % 997 = 0; INSERT INTO t VALUES (40000, 7)");
        await using var second = SequinHostProcess.Start(config);
        await Eventually.UntilAsync(
            async () => (await store.ListAsync(null, activeOnly: false, CancellationToken.None)).Single().Status == BackfillStatus.Completed,
            () => "the backfill completed after the restart; output:\n" + second.Output,
            TimeSpan.FromMinutes(2));

        var expected = new Dictionary<int, int>();
        await using (var command = scenario.Server.DataSource(scenario.Database).CreateCommand("SELECT id, v FROM t"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                expected[reader.GetInt32(0)] = reader.GetInt32(1);
            }
        }

        Dictionary<int, int> actual = [];
        await Eventually.UntilAsync(
            () =>
            {
                actual = Apply(StdoutSinkOutput.Read(firstOutput).Concat(StdoutSinkOutput.Read(scenario.OutputPath)));
                return actual.Count == expected.Count && expected.All(e => actual.TryGetValue(e.Key, out var v) && v == e.Value);
            },
            () => $"the sink's state equals the table's (table {expected.Count} rows, sink {actual.Count}, first differing id {expected.Keys.FirstOrDefault(k => !actual.TryGetValue(k, out var v) || v != expected[k])})",
            TimeSpan.FromMinutes(1));
        Assert.Equal(0, await second.StopAsync());

        // It resumed: the second run read fewer rows than the table has, starting after the crash's cursor.
        Assert.Contains("resuming: True", second.Output, StringComparison.Ordinal);
        var secondReads = StdoutSinkOutput.Read(scenario.OutputPath).Where(m => (string?)m["action"] == "read").Select(m => (int)m["record"]!["id"]!).ToList();
        Assert.True(secondReads.Count < Rows - 1000, $"the second run read {secondReads.Count} rows, not the whole table again");
        Assert.True(secondReads.Min() > 1, "the second run did not start from the first row");
    }

    private static Dictionary<int, int> Apply(IEnumerable<JsonObject> messages)
    {
        var state = new Dictionary<int, int>();
        foreach (var m in messages)
        {
            var id = (int)m["record"]!["id"]!;
            if ((string?)m["action"] == "delete")
            {
                state.Remove(id);
            }
            else
            {
                state[id] = (int)m["record"]!["v"]!;
            }
        }

        return state;
    }
}
