using Sequin.Core.Tests.Support;
using Sequin.Sinks;

namespace Sequin.Core.Tests.Runtime;

public sealed class SinkConsumerLifecycleTests
{
    [Fact]
    public async Task AGracefulStopLetsInFlightBatchesFinishAndThenRefusesMessages()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = new ConsumerHarness(configurePipeline: p => p.OnDeliver = async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return BatchResult.AllDelivered;
        });
        var txn = await h.FeedAsync([Some.Change(1, Some.Transaction())]);
        await Wait.UntilAsync(() => h.Pipeline.Batches.Count == 1, "the batch is in flight");

        var stop = h.Consumer.StopAsync(CancellationToken.None);
        Assert.False(stop.IsCompleted);
        release.SetResult();
        await stop.WaitAsync(Wait.DefaultTimeout);

        Assert.True(txn.IsComplete);
        Assert.Equal(1, h.Consumer.DeliveredMessages);
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Consumer.EnqueueAsync(Some.Change(2), CancellationToken.None).AsTask());
        Assert.True(h.Consumer.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task AGracefulStopSendsOpenBatchesWithoutWaitingForTheirLinger()
    {
        await using var h = new ConsumerHarness(configurePipeline: p => p.Batching = new BatchingOptions { Linger = TimeSpan.FromHours(1) });
        var txn = await h.FeedAsync([Some.Change(1, Some.Transaction())]);
        await Wait.UntilAsync(() => h.Time.DueTimes.Count == 1, "the batch is open");

        await h.Consumer.StopAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);

        Assert.True(txn.IsComplete);
        Assert.Single(h.Pipeline.Delivered);
    }

    [Fact]
    public async Task AForcedStopAbandonsInFlightBatchesAndMarksNothingDone()
    {
        await using var h = new ConsumerHarness(configurePipeline: p => p.OnDeliver = async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return BatchResult.AllDelivered;
        });
        var txn = await h.FeedAsync([Some.Change(1, Some.Transaction())]);
        await Wait.UntilAsync(() => h.Pipeline.Batches.Count == 1, "the batch is in flight");
        using var cts = new CancellationTokenSource();

        var stop = h.Consumer.StopAsync(cts.Token);
        await cts.CancelAsync();
        await stop.WaitAsync(Wait.DefaultTimeout);

        Assert.False(txn.IsComplete);
        Assert.Equal(0, h.Consumer.DeliveredMessages);
        Assert.Equal(0, h.Consumer.FailedAttempts);
        Assert.Equal(0UL, h.Tracker.GetConfirmableLsn());
        Assert.Contains(h.Logger.Entries, e => e.EventId.Id == 1202);
    }

    [Fact]
    public async Task MessagesWaitingForRetryStayUnacknowledgedAfterStop()
    {
        await using var h = new ConsumerHarness(configurePipeline: p => p.OnDeliver = (b, _) => ValueTask.FromResult(BatchResult.AllFailed(b.Messages.Count, DeliveryOutcome.Retry("down"))));
        var txn = await h.FeedAsync([Some.Change(1, Some.Transaction())]);
        await Wait.UntilAsync(() => h.Consumer.FailedAttempts == 1, "the first attempt failed");

        await h.Consumer.StopAsync(CancellationToken.None).WaitAsync(Wait.DefaultTimeout);

        Assert.False(txn.IsComplete);
        Assert.Equal(1, h.Consumer.BufferedMessages);
    }
}
