using Microsoft.Extensions.Logging;
using Sequin.EndToEnd.Tests.Support;
using Sequin.Sinks;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 2's delivery guarantees, shown with the runtime in-process (so its own accounting can be asserted) against a
/// real PostgreSQL: retries with growing delay holding back only the failing row, <c>max_retry_count</c> discards
/// with a logged reason, and a sink slower than the WAL keeping the buffer bounded without losing anything.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RuntimeDeliveryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task AFailingMessageIsRetriedWithGrowingDelayWhileLaterChangesOfItsRowWaitAndOtherRowsFlow()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "retry");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int)");
        var sink = new RecordingSinkPlugin
        {
            // The insert of row 1 fails its first three attempts.
            Behaviour = (_, id, action, attempt) => id == 1 && action == "insert" && attempt <= 3
                ? DeliveryOutcome.Retry("sink unavailable")
                : DeliveryOutcome.Delivered,
            BatchSize = 1,
        };
        await using var runtime = InProcessRuntime.Start(
            scenario.WriteConfig("actions: [insert, update]", "recording"),
            [sink],
            s => s with { RetryBaseDelay = TimeSpan.FromMilliseconds(200) });
        await runtime.WaitForConsumersAsync();
        await scenario.WaitForSlotActiveAsync();

        await scenario.ExecuteAsync("INSERT INTO t VALUES (1, 0)");
        await scenario.ExecuteAsync("UPDATE t SET v = 1 WHERE id = 1");
        await scenario.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(2, 6) g");
        await Eventually.UntilAsync(() => sink.Delivered.Count() == 7, () => $"7 deliveries (have {sink.Delivered.Count()})");

        var row1 = sink.Attempts.Where(a => a.Id == 1).ToList();
        Assert.Equal(["insert", "insert", "insert", "insert", "update"], row1.Select(a => a.Action));
        Assert.Equal([false, false, false, true, true], row1.Select(a => a.Delivered));
        var gaps = row1.Take(4).Zip(row1.Skip(1).Take(3), (a, b) => (b.At - a.At).TotalMilliseconds).ToList();
        // Backoff 200, 400, 800 ms ±15 %: each wait is at least its lower bound (a busy machine only makes waits longer,
        // so the bounds, not the ratios between measured waits, are what can be asserted).
        Assert.True(gaps[0] >= 170 && gaps[1] >= 340 && gaps[2] >= 680, "retry delays grow (200, 400, 800 ms ±15 %): " + string.Join(", ", gaps));

        // The update of row 1 waited behind its failing insert; rows 2..6 were delivered meanwhile.
        var insertDelivered = row1[3].At;
        var others = sink.Delivered.Where(a => a.Id != 1).ToList();
        Assert.Equal([2, 3, 4, 5, 6], others.Select(a => a.Id).Order());
        Assert.All(others, a => Assert.True(a.At < insertDelivered, $"row {a.Id} was delivered before row 1's retries ended"));
        Assert.True(row1[4].At >= insertDelivered);
        Assert.Equal(3, runtime.Consumer.FailedAttempts);
        Assert.Contains(runtime.Logs.Entries, e => e.EventId.Id == 1210 && e.Message.Contains("sink unavailable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithMaxRetryCountAMessageThatKeepsFailingIsDiscardedWithALoggedReasonAndTheRestIsAcknowledged()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "discard");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int)");
        var sink = new RecordingSinkPlugin
        {
            Behaviour = (_, id, action, _) => id == 7 && action == "insert" ? DeliveryOutcome.Retry("row 7 is rejected") : DeliveryOutcome.Delivered,
        };
        await using var runtime = InProcessRuntime.Start(
            scenario.WriteConfig("max_retry_count: 2\nactions: [insert, update]", "recording"),
            [sink],
            s => s with { RetryBaseDelay = TimeSpan.FromMilliseconds(50) });
        await runtime.WaitForConsumersAsync();
        await scenario.WaitForSlotActiveAsync();

        await scenario.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(1, 10) g");
        await scenario.ExecuteAsync("UPDATE t SET v = 1 WHERE id = 7");
        var lastCommit = await scenario.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
        await Eventually.UntilAsync(() => sink.Delivered.Count() == 10, () => $"10 deliveries (have {sink.Delivered.Count()}, {sink.Attempts.Count()} attempts); {runtime.Diagnostics()}");

        Assert.Equal(2, sink.Attempts.Count(a => a.Id == 7 && a.Action == "insert")); // as in the original: discarded once failed attempts reach max_retry_count
        Assert.DoesNotContain(sink.Delivered, a => a.Id == 7 && a.Action == "insert");
        Assert.Contains(sink.Delivered, a => a.Id == 7 && a.Action == "update");
        Assert.Equal(1, runtime.Consumer.DiscardedMessages);
        var discard = Assert.Single(runtime.Logs.Entries, e => e.EventId.Id == 1220);
        Assert.Equal(LogLevel.Error, discard.Level);
        Assert.Contains("row 7 is rejected", discard.Message, StringComparison.Ordinal);
        Assert.Contains("max_retry_count 2", discard.Message, StringComparison.Ordinal);

        // Discarded counts as done: the slot moves past it.
        await Eventually.UntilAsync(async () => await scenario.ConfirmedFlushAsync() >= (ulong)lastCommit, () => "the slot is acknowledged past the discarded change; " + runtime.Diagnostics());
    }

    [Fact]
    public async Task ASinkSlowerThanTheWalKeepsTheBufferBoundedAndLosesNothing()
    {
        const int Rows = 20_000;
        const int MaxBuffered = 500;
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "slow");
        await scenario.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, payload text)");
        var sink = new RecordingSinkPlugin { DeliveryDelay = TimeSpan.FromMilliseconds(5), BatchSize = 20 };
        await using var runtime = InProcessRuntime.Start(
            scenario.WriteConfig(string.Empty, "recording"),
            [sink],
            s => s with { MaxBufferedMessages = MaxBuffered });
        await runtime.WaitForConsumersAsync();
        await scenario.WaitForSlotActiveAsync();

        await scenario.ExecuteAsync($"INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, {Rows}) g");
        await Eventually.UntilAsync(
            () => sink.Delivered.Count() >= Rows,
            () => $"{Rows} deliveries (have {sink.Delivered.Count()}, buffered {runtime.Consumer.BufferedMessages})",
            TimeSpan.FromMinutes(3));

        var consumer = runtime.Consumer;
        Assert.Equal(Enumerable.Range(1, Rows), sink.Delivered.Select(a => a.Id).Order());
        Assert.InRange(consumer.PeakBufferedMessages, MaxBuffered / 2, MaxBuffered);
        // The sink records a delivery before the consumer has processed the batch's outcome: wait for the buffer to empty.
        await Eventually.UntilAsync(() => consumer.BufferedMessages == 0, () => $"the buffer empties (holds {consumer.BufferedMessages})");
    }
}
