using Sequin.EndToEnd.Tests.Support;
using Sequin.Pipeline;
using Sequin.Sinks;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 10: <c>sequin messages list|retry|discard</c> (the real executable) on the parked messages of a running
/// in-process runtime whose next attempt is ten minutes away: the operator's retry or discard takes effect within
/// seconds, not at the scheduled time.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ParkedMessagesCliTests(PostgresFixture postgres)
{
    private static readonly Func<SinkConsumerSettings, SinkConsumerSettings> SlowRetries = s => s with
    {
        RetryBaseDelay = TimeSpan.FromMinutes(10),
        RetryMaxDelay = TimeSpan.FromMinutes(10),
        RetryRequestPollInterval = TimeSpan.FromMilliseconds(200),
    };

    private static Task<(int Exit, string Output)> MessagesAsync(StdoutScenario scenario, params string[] args) =>
        SequinHostProcess.RunToEndAsync(["messages", .. args, "--config", scenario.ConfigPath, "--plugins-dir", BuildPaths.Plugins]);

    // The table is created when the sink starts; until then nothing is parked.
    private static async Task<long> ParkedAsync(StdoutScenario scenario) =>
        await scenario.ScalarAsync<bool>("SELECT to_regclass('sequin_state.parked_messages') IS NULL")
            ? 0
            : await scenario.ScalarAsync<long>("SELECT count(*) FROM sequin_state.parked_messages");

    [Fact]
    public async Task ListShowsTheParkedMessageAndRetryMakesTheRunningHostDeliverItAtOnce()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "msgretry");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int)");
        var released = false;
        var sink = new RecordingSinkPlugin
        {
            Behaviour = (_, id, _, _) => id == 2 && !Volatile.Read(ref released) ? DeliveryOutcome.Retry("row 2 is refused") : DeliveryOutcome.Delivered,
        };
        await using var runtime = InProcessRuntime.Start(scenario.WriteConfig("park_after_failures: 1\nactions: [insert, update]", "recording"), [sink], SlowRetries);
        await runtime.WaitForConsumersAsync();
        await scenario.WaitForSlotActiveAsync();
        await scenario.ExecuteAsync("INSERT INTO t VALUES (1, 0), (2, 0), (3, 0)");
        await scenario.ExecuteAsync("UPDATE t SET v = 1 WHERE id = 2");
        await Eventually.UntilAsync(async () => await ParkedAsync(scenario) == 2, () => "row 2's two changes are parked");

        // The CLI reads the same sequin.yaml; only the sink's name and database matter to it.
        scenario.WriteConfig();
        var (exit, output) = await MessagesAsync(scenario, "list");
        Assert.True(exit == 0, output);
        var lines = output.Split('\n').Where(l => l.Contains("\tto-file\tpublic.t\t", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("\tinsert\tgroup=2\t", lines[0], StringComparison.Ordinal);
        Assert.Contains("attempts=1", lines[0], StringComparison.Ordinal);
        Assert.Contains("row 2 is refused", lines[0], StringComparison.Ordinal);
        Assert.Contains("\tupdate\tgroup=2\t", lines[1], StringComparison.Ordinal);
        Assert.Contains("2 parked message(s).", output, StringComparison.Ordinal);

        Volatile.Write(ref released, true);
        (exit, output) = await MessagesAsync(scenario, "retry", "--sink", "to-file");
        Assert.True(exit == 0, output);
        Assert.Contains("2 parked message(s) due now.", output, StringComparison.Ordinal);

        // Without the request the next attempt would be ten minutes away.
        await Eventually.UntilAsync(
            () => sink.Delivered.Count(a => a.Id == 2) == 2,
            () => $"row 2's changes after the retry request (have {sink.Delivered.Count(a => a.Id == 2)})",
            TimeSpan.FromSeconds(30));
        Assert.Equal([(2, "insert"), (2, "update")], sink.Delivered.Where(a => a.Id == 2).Select(a => (a.Id, a.Action)));
        await Eventually.UntilAsync(async () => await ParkedAsync(scenario) == 0, () => "the parked rows are removed once delivered");
        (exit, output) = await MessagesAsync(scenario, "list");
        Assert.True(exit == 0, output);
        Assert.Contains("No parked messages.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscardRecordsTheMessageWithItsReasonAndTheRowsNextChangeIsDeliveredAtOnce()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "msgdiscard");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int)");
        var sink = new RecordingSinkPlugin
        {
            Behaviour = (_, id, action, _) => id == 5 && action == "insert" ? DeliveryOutcome.Retry("the insert of row 5 is refused") : DeliveryOutcome.Delivered,
        };
        await using var runtime = InProcessRuntime.Start(scenario.WriteConfig("park_after_failures: 1\nactions: [insert, update]", "recording"), [sink], SlowRetries);
        await runtime.WaitForConsumersAsync();
        await scenario.WaitForSlotActiveAsync();
        await scenario.ExecuteAsync("INSERT INTO t VALUES (4, 0), (5, 0)");
        await Eventually.UntilAsync(async () => await ParkedAsync(scenario) == 1, () => "row 5's insert is parked");
        var id = await scenario.ScalarAsync<long>("SELECT id FROM sequin_state.parked_messages");

        scenario.WriteConfig();
        var (exit, output) = await MessagesAsync(scenario, "discard");
        Assert.Equal(1, exit);
        Assert.Contains("--sink <name>, --id <id>..., or --all", output, StringComparison.Ordinal);

        (exit, output) = await MessagesAsync(scenario, "discard", "--id", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--reason", "bad row, fixed by hand");
        Assert.True(exit == 0, output);
        Assert.Contains("1 parked message(s) discarded", output, StringComparison.Ordinal);
        Assert.Equal(0, await ParkedAsync(scenario));

        (exit, output) = await MessagesAsync(scenario, "list", "--discarded");
        Assert.True(exit == 0, output);
        var line = Assert.Single(output.Split('\n'), l => l.Contains("\tto-file\tpublic.t\tinsert\tgroup=5\t", StringComparison.Ordinal));
        Assert.Contains("bad row, fixed by hand", line, StringComparison.Ordinal);

        // The group goes on at once: the row's next change is not held behind a ten-minute wait.
        await scenario.ExecuteAsync("UPDATE t SET v = 1 WHERE id = 5");
        await Eventually.UntilAsync(
            () => sink.Delivered.Any(a => a.Id == 5 && a.Action == "update"),
            () => "row 5's update after the discard",
            TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(sink.Delivered, a => a.Id == 5 && a.Action == "insert");
        Assert.Equal(0, await ParkedAsync(scenario));
    }
}
