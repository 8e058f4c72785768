using Sequin.EndToEnd.Tests.Support;
using Sequin.Pipeline;
using Sequin.Sinks;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 10: one message that always fails no longer pins the slot. With the runtime in-process against a real
/// PostgreSQL, the poison row is parked in <c>sequin_state.parked_messages</c> with its later changes, the slot advances
/// past it while it is still retried, and once the sink accepts it, it and its later changes arrive in order.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PoisonMessageTests(PostgresFixture postgres)
{
    private const int Rows = 10_000;
    private const int Poison = 4_242;

    // The table is created when the sink starts; until then nothing is parked.
    private static async Task<long> ParkedAsync(StdoutScenario scenario) =>
        await scenario.ScalarAsync<bool>("SELECT to_regclass('sequin_state.parked_messages') IS NULL")
            ? 0
            : await scenario.ScalarAsync<long>("SELECT count(*) FROM sequin_state.parked_messages");

    [Fact]
    public async Task APoisonMessageAmongTenThousandIsParkedTheSlotPassesItWhileItIsRetriedAndItsRowArrivesInOrderOnceItSucceeds()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "poison");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int)");
        var released = false;
        var sink = new RecordingSinkPlugin
        {
            Behaviour = (_, id, _, _) => id == Poison && !Volatile.Read(ref released) ? DeliveryOutcome.Retry("row 4242 is refused") : DeliveryOutcome.Delivered,
            BatchSize = 200,
        };
        await using var runtime = InProcessRuntime.Start(
            scenario.WriteConfig("park_after_failures: 3\nactions: [insert, update]", "recording"),
            [sink],
            s => s with { RetryBaseDelay = TimeSpan.FromMilliseconds(100), RetryMaxDelay = TimeSpan.FromMilliseconds(400) });
        await runtime.WaitForConsumersAsync();
        await scenario.WaitForSlotActiveAsync();

        await scenario.ExecuteAsync($"INSERT INTO t SELECT g, 0 FROM generate_series(1, {Rows / 2}) g");
        await scenario.ExecuteAsync($"UPDATE t SET v = 1 WHERE id = {Poison}");
        await scenario.ExecuteAsync($"UPDATE t SET v = 2 WHERE id = {Poison}");
        await scenario.ExecuteAsync($"INSERT INTO t SELECT g, 0 FROM generate_series({(Rows / 2) + 1}, {Rows}) g");
        var end = (ulong)await scenario.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");

        // Every good change arrives, and the slot is confirmed past the poison row's changes while they are parked.
        await Eventually.UntilAsync(
            () => sink.Delivered.Count() == Rows - 1,
            () => $"{Rows - 1} good changes (have {sink.Delivered.Count()})");
        await Eventually.UntilAsync(
            async () => await scenario.ConfirmedFlushAsync() >= end,
            () => "confirmed_flush_lsn passes the parked poison row");
        Assert.Equal(3, await ParkedAsync(scenario));
        Assert.DoesNotContain(sink.Delivered, a => a.Id == Poison);
        Assert.Equal(0, runtime.Consumer.BufferedMessages);

        // ... and the poison row is still being retried from the table.
        var attemptsBefore = sink.Attempts.Count(a => a.Id == Poison);
        await Eventually.UntilAsync(
            () => sink.Attempts.Count(a => a.Id == Poison) >= attemptsBefore + 2,
            () => $"more attempts of the parked row (had {attemptsBefore})");
        Assert.Contains(runtime.Logs.Entries, e => e.EventId.Id == 1250 && e.Message.Contains("row 4242 is refused", StringComparison.Ordinal));

        Volatile.Write(ref released, true);
        await Eventually.UntilAsync(
            () => sink.Delivered.Count() == Rows + 2,
            () => $"the poison row's three changes once the sink accepts them (have {sink.Delivered.Count()})");
        var poison = sink.Delivered.Where(a => a.Id == Poison).ToList();
        Assert.Equal(["insert", "update", "update"], poison.Select(a => a.Action));
        Assert.Equal(Enumerable.Range(1, Rows), sink.Delivered.Where(a => a.Action == "insert").Select(a => a.Id).Order());
        Assert.Equal(Rows + 2, sink.Delivered.Select(a => a.IdempotencyKey).Distinct().Count());
        await Eventually.UntilAsync(async () => await ParkedAsync(scenario) == 0, () => "the parked rows are removed once delivered");
        Assert.Equal(3, runtime.Consumer.UnparkedMessages);
    }

    [Fact]
    public async Task ParkedMessagesSurviveARestartAndAreDeliveredAfterIt()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "parkrestart");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int)");
        var config = scenario.WriteConfig("park_after_failures: 2\nactions: [insert, update]", "recording");
        Func<SinkConsumerSettings, SinkConsumerSettings> fast = s => s with { RetryBaseDelay = TimeSpan.FromMilliseconds(100), RetryMaxDelay = TimeSpan.FromMilliseconds(300) };
        var refusing = new RecordingSinkPlugin
        {
            Behaviour = (_, id, _, _) => id == 2 ? DeliveryOutcome.Retry("row 2 is refused") : DeliveryOutcome.Delivered,
        };
        await using (var first = InProcessRuntime.Start(config, [refusing], fast))
        {
            await first.WaitForConsumersAsync();
            await scenario.WaitForSlotActiveAsync();
            await scenario.ExecuteAsync("INSERT INTO t VALUES (1, 0), (2, 0), (3, 0)");
            await scenario.ExecuteAsync("UPDATE t SET v = 1 WHERE id = 2");
            var end = (ulong)await scenario.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
            await Eventually.UntilAsync(async () => await ParkedAsync(scenario) == 2, () => "row 2's two changes are parked");
            await Eventually.UntilAsync(async () => await scenario.ConfirmedFlushAsync() >= end, () => "the slot passes the parked row");
            Assert.Equal([1, 3], refusing.Delivered.Select(a => a.Id).Order());
        }

        var accepting = new RecordingSinkPlugin();
        await using var second = InProcessRuntime.Start(config, [accepting], fast);
        await second.WaitForConsumersAsync();
        await Eventually.UntilAsync(() => accepting.Delivered.Count() == 2, () => $"the parked changes after the restart (have {accepting.Delivered.Count()})");
        Assert.Equal([(2, "insert"), (2, "update")], accepting.Delivered.Select(a => (a.Id, a.Action)));
        await Eventually.UntilAsync(async () => await ParkedAsync(scenario) == 0, () => "the table is empty");
    }
}
