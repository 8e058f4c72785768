using Sequin.Core.Tests.Support;
using Sequin.Diagnostics;
using Sequin.Messages;
using Sequin.Pipeline;
using Sequin.Runtime;
using Sequin.Sinks;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Runtime;

public sealed class ChangeDispatcherTests
{
    [Fact]
    public async Task ASlowConsumerPausesTheSourceButNeitherConsumerLosesMessages()
    {
        var time = new FakeTimeProvider();
        using var metrics = new SequinMetrics();
        var logger = new ListLogger();
        var gate = new SemaphoreSlim(0);
        var slow = new FakeSinkPipeline(time) { OnDeliver = async (_, ct) => { await gate.WaitAsync(ct); return BatchResult.AllDelivered; } };
        var fast = new FakeSinkPipeline(time);
        SinkConsumerSettings Settings(string name) => ConsumerHarness.Settings_() with { Consumer = new ConsumerInfo(name, name), MaxBufferedMessages = 5 };
        await using var slowConsumer = new SinkConsumer(Settings("slow"), slow, new FakeProcessorFactory(), logger, time, metrics);
        await using var fastConsumer = new SinkConsumer(Settings("fast"), fast, new FakeProcessorFactory(), logger, time, metrics);
        await slowConsumer.StartAsync(default);
        await fastConsumer.StartAsync(default);
        var dispatcher = new ChangeDispatcher([slowConsumer, fastConsumer]);
        var tracker = new AckTracker();
        var txns = new List<TransactionInfo>();

        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                var txn = Some.Transaction();
                txns.Add(txn);
                tracker.Begin(txn);
                dispatcher.BeginTransaction(txn);
                await dispatcher.HandleAsync(Some.Change(i, txn), default);
                dispatcher.CommitTransaction(txn, txn.CommitLsn + 8);
                txn.Commit(txn.CommitLsn + 8);
            }
        });

        await Wait.UntilAsync(() => slowConsumer.BufferedMessages == 5, "the slow consumer is full");
        await Wait.UntilAsync(() => fast.Delivered.Count >= 5, "the fast consumer delivers what it got");
        Assert.False(producer.IsCompleted);

        gate.Release(1000);
        await producer.WaitAsync(Wait.DefaultTimeout);
        await Wait.UntilAsync(() => slow.Delivered.Count == 40 && fast.Delivered.Count == 40, "both consumers deliver everything");
        await Wait.UntilAsync(() => tracker.GetConfirmableLsn() == txns[^1].EndLsn, "every transaction is confirmable");
    }

    [Fact]
    public async Task ATransactionLargerThanTheBufferIsDeliveredThoughItsPartitionsAreWokenOnlyAtCommit()
    {
        // The dispatcher hands a transaction's changes over without waking the partitions; when the buffer fills
        // mid-transaction the consumer must wake them itself, or nothing would ever make room.
        var time = new FakeTimeProvider();
        using var metrics = new SequinMetrics();
        var pipeline = new FakeSinkPipeline(time) { Batching = new BatchingOptions { MaxMessages = 2, Linger = TimeSpan.Zero } };
        var settings = ConsumerHarness.Settings_(partitions: 1) with { MaxBufferedMessages = 5 };
        await using var consumer = new SinkConsumer(settings, pipeline, new FakeProcessorFactory(), new ListLogger(), time, metrics);
        await consumer.StartAsync(default);
        var dispatcher = new ChangeDispatcher([consumer]);
        var tracker = new AckTracker();
        var txn = Some.Transaction();
        tracker.Begin(txn);
        dispatcher.BeginTransaction(txn);

        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await dispatcher.HandleAsync(Some.Change(i, txn), default);
            }
        });

        await producer.WaitAsync(Wait.DefaultTimeout);
        dispatcher.CommitTransaction(txn, txn.CommitLsn + 8);
        txn.Commit(txn.CommitLsn + 8);
        await Wait.UntilAsync(() => pipeline.Delivered.Count == 50, "all 50 changes are delivered");
        Assert.Equal(
            Enumerable.Range(0, 50).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal),
            pipeline.Delivered.Select(m => m.Message.Record[0].Text!).Order(StringComparer.Ordinal));
        await Wait.UntilAsync(() => tracker.GetConfirmableLsn() == txn.EndLsn, "the transaction is confirmable");
    }

    [Fact]
    public void ForDatabaseKeepsOnlyThatDatabasesConsumers()
    {
        var time = new FakeTimeProvider();
        using var metrics = new SequinMetrics();
        var a = new SinkConsumer(ConsumerHarness.Settings_() with { Database = "a" }, new FakeSinkPipeline(time), new FakeProcessorFactory(), new ListLogger(), time, metrics);
        var b = new SinkConsumer(ConsumerHarness.Settings_() with { Database = "b" }, new FakeSinkPipeline(time), new FakeProcessorFactory(), new ListLogger(), time, metrics);

        var dispatcher = ChangeDispatcher.ForDatabase("a", [a, b]);

        Assert.Same(a, Assert.Single(dispatcher.Consumers));
    }

    [Fact]
    public async Task ReplacingTheConsumersDuringATransactionTakesEffectAfterItsCommitSoEachConsumerGetsTransactionsWhole()
    {
        // Live configuration (issue 33): a removed consumer gets the whole transaction it was in, an added one nothing of it.
        var time = new FakeTimeProvider();
        using var metrics = new SequinMetrics();
        var logger = new ListLogger();
        var pipelines = new Dictionary<string, FakeSinkPipeline>();
        async Task<SinkConsumer> Consumer(string name)
        {
            var pipeline = pipelines[name] = new FakeSinkPipeline(time) { Batching = new BatchingOptions { MaxMessages = 1, Linger = TimeSpan.Zero } };
            var consumer = new SinkConsumer(ConsumerHarness.Settings_() with { Consumer = new ConsumerInfo(name, name) }, pipeline, new FakeProcessorFactory(), logger, time, metrics);
            await consumer.StartAsync(default);
            return consumer;
        }

        await using var kept = await Consumer("kept");
        await using var removed = await Consumer("removed");
        await using var added = await Consumer("added");
        var dispatcher = new ChangeDispatcher([kept, removed]);
        var tracker = new AckTracker();

        var first = Some.Transaction();
        tracker.Begin(first);
        dispatcher.BeginTransaction(first);
        await dispatcher.HandleAsync(Some.Change(1, first), default);
        var swap = dispatcher.ReplaceConsumersAsync([kept, added], default);
        await dispatcher.HandleAsync(Some.Change(2, first), default);
        Assert.False(swap.IsCompleted, "the replacement waits for the end of the transaction");
        dispatcher.CommitTransaction(first, first.CommitLsn + 8);
        first.Commit(first.CommitLsn + 8);
        await swap.WaitAsync(Wait.DefaultTimeout);

        var second = Some.Transaction();
        tracker.Begin(second);
        dispatcher.BeginTransaction(second);
        await dispatcher.HandleAsync(Some.Change(3, second), default);
        dispatcher.CommitTransaction(second, second.CommitLsn + 8);
        second.Commit(second.CommitLsn + 8);

        await Wait.UntilAsync(() => pipelines["kept"].Delivered.Count == 3 && pipelines["removed"].Delivered.Count == 2 && pipelines["added"].Delivered.Count == 1, "each consumer delivers its transactions");
        await Wait.UntilAsync(() => tracker.GetConfirmableLsn() == second.EndLsn, "both transactions are confirmable");
        Assert.Equal([kept, added], dispatcher.Consumers);

        // Between transactions a replacement takes effect at once.
        await dispatcher.ReplaceConsumersAsync([kept], default).WaitAsync(TimeSpan.Zero);
        Assert.Equal([kept], dispatcher.Consumers);
    }
}
