using Sequin.Core.Tests.Support;
using Sequin.Sinks;

namespace Sequin.Core.Tests.Pipeline;

public sealed class SinkConsumerBatchingTests
{
    private static string Row(RoutedMessage m) => m.Message.Record[0].Text!;

    private static List<int> BatchSizes(FakeSinkPipeline p) => p.Batches.Select(b => b.Batch.Messages.Count).ToList();

    [Fact]
    public async Task BatchesAreCutAtMaxMessagesAndAPartialBatchWaitsForTheLinger()
    {
        await using var h = new ConsumerHarness(settings: ConsumerHarness.Settings_(partitions: 1), configurePipeline: p => p.Batching = new BatchingOptions { MaxMessages = 3, Linger = TimeSpan.FromMinutes(1) });
        var t0 = h.Time.GetUtcNow();

        for (var i = 1; i <= 7; i++)
        {
            await h.FeedAsync([Some.Change(i, Some.Transaction())]);
        }

        await Wait.UntilAsync(() => h.Pipeline.Batches.Count == 2, "two full batches are sent");
        Assert.Equal([3, 3], BatchSizes(h.Pipeline));
        await h.Consumer.WhenPartitionsCaughtUpAsync(); // message 7 is in its batch, opened at t0
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromMinutes(1), "the linger of the partial batch");

        await Wait.UntilAsync(() => h.Pipeline.Batches.Count == 3, "the partial batch is sent");
        Assert.Equal([3, 3, 1], BatchSizes(h.Pipeline));
        Assert.Equal(t0 + TimeSpan.FromMinutes(1), h.Pipeline.Batches.Last().At);
        Assert.Equal("7", Row(h.Pipeline.Batches.Last().Batch.Messages[0]));
    }

    [Fact]
    public async Task BatchesAreCutAtMaxBytesOfPayloadAndALargerMessageGoesAlone()
    {
        var processors = new FakeProcessorFactory { PayloadSize = 40 };
        processors.Decide = (m, g) => m.Record[0].Text == "99" ? Sequin.Routing.ProcessResult.Routed(processors.Route(m, g, payloadSize: 150)) : null;
        await using var h = new ConsumerHarness(settings: ConsumerHarness.Settings_(partitions: 1), processors: processors, configurePipeline: p => p.Batching = new BatchingOptions { MaxMessages = 100, MaxBytes = 100, Linger = TimeSpan.FromMinutes(1) });

        for (var i = 1; i <= 5; i++)
        {
            await h.FeedAsync([Some.Change(i, Some.Transaction())]);
        }

        await h.FeedAsync([Some.Change(99, Some.Transaction())]);

        await Wait.UntilAsync(() => h.Pipeline.Batches.Count == 4, "four batches are sent without waiting for the linger");
        // Batches are delivered concurrently, so their order in the log is not fixed.
        Assert.Equal([1, 1, 2, 2], BatchSizes(h.Pipeline).Order());
        var large = Assert.Single(h.Pipeline.Batches, b => b.Batch.Messages.Any(m => m.Payload.Length == 150));
        Assert.Single(large.Batch.Messages);
        Assert.All(h.Pipeline.Batches.Where(b => b != large), b => Assert.True(b.Batch.Messages.Sum(m => m.Payload.Length) <= 100));
    }

    [Fact]
    public async Task OnlyMessagesWithTheSameBatchKeyShareABatch()
    {
        await using var h = new ConsumerHarness(settings: ConsumerHarness.Settings_(partitions: 1), configurePipeline: p => p.Batching = new BatchingOptions { MaxMessages = 10, Linger = TimeSpan.FromMinutes(1) });
        var t0 = h.Time.GetUtcNow();

        for (var i = 1; i <= 6; i++)
        {
            await h.FeedAsync([Some.Change(i, Some.Transaction(), table: i % 2 == 0 ? Some.OtherTable : Some.Table)]);
        }

        await h.Consumer.WhenPartitionsCaughtUpAsync(); // every message is in its batch, opened at t0
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromMinutes(1), "the linger");

        await Wait.UntilAsync(() => h.Pipeline.Batches.Count == 2, "one batch per key is sent");
        foreach (var (_, batch) in h.Pipeline.Batches)
        {
            Assert.Equal(3, batch.Messages.Count);
            Assert.All(batch.Messages, m => Assert.Equal(batch.BatchKey, m.Route["topic"]));
        }

        Assert.Equal(["other", "t"], h.Pipeline.Batches.Select(b => b.Batch.BatchKey).Order());
    }

    [Fact]
    public async Task TheConsumersBatchSizeAndTimeoutOverrideThePipelinesBatching()
    {
        await using var h = new ConsumerHarness(
            settings: ConsumerHarness.Settings_(partitions: 1) with { BatchSize = 2, BatchTimeout = TimeSpan.FromSeconds(5) },
            configurePipeline: p => p.Batching = new BatchingOptions { MaxMessages = 100, Linger = TimeSpan.FromMinutes(1) });
        var t0 = h.Time.GetUtcNow();

        Assert.Equal(2, h.Consumer.Batching.MaxMessages);
        for (var i = 1; i <= 3; i++)
        {
            await h.FeedAsync([Some.Change(i, Some.Transaction())]);
        }

        // The first batch's timer is also due at t0 + 5 s: advancing before the partition has taken message 3 would
        // open its batch at t0 + 5 s, due at t0 + 10 s.
        await h.Consumer.WhenPartitionsCaughtUpAsync();
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(5), "the consumer's batch timeout");
        await Wait.UntilAsync(() => h.Pipeline.Batches.Count == 2, "both batches are sent");
        Assert.Equal([2, 1], BatchSizes(h.Pipeline));
    }

    [Fact]
    public async Task NoMoreThanMaxConcurrentBatchesAreInFlight()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = new ConsumerHarness(configurePipeline: p =>
        {
            p.Batching = new BatchingOptions { MaxMessages = 1, Linger = TimeSpan.Zero, MaxConcurrentBatches = 2 };
            p.OnDeliver = async (_, ct) =>
            {
                await release.Task.WaitAsync(ct);
                return BatchResult.AllDelivered;
            };
        });

        for (var i = 1; i <= 10; i++)
        {
            await h.FeedAsync([Some.Change(i, Some.Transaction())]);
        }

        await Wait.UntilAsync(() => h.Pipeline.Batches.Count == 2, "two batches are in flight");
        release.SetResult();
        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 10, "all are delivered");
        Assert.Equal(2, h.Pipeline.MaxConcurrentBatchesSeen);
    }
}
