using Sequin.Core.Tests.Support;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Core.Tests.Runtime;

public sealed class BackpressureTests
{
    [Theory]
    [InlineData(10, 1000)]
    [InlineData(1000, 6)]
    public async Task ASlowSinkKeepsTheBufferWithinItsLimitsBlocksTheSourceAndLosesNothing(int maxMessages, int maxMessagesByBytes)
    {
        var size = Some.Change(1).EstimatedSize;
        var maxBytes = (long)size * maxMessagesByBytes;
        var expectedLimit = Math.Min(maxMessages, maxMessagesByBytes);
        var gate = new SemaphoreSlim(0);
        await using var h = new ConsumerHarness(
            settings: ConsumerHarness.Settings_(partitions: 2) with { MaxBufferedMessages = maxMessages, MaxBufferedBytes = maxBytes },
            configurePipeline: p => p.OnDeliver = async (batch, ct) =>
            {
                await gate.WaitAsync(ct);
                return BatchResult.AllDelivered;
            });

        var fed = 0;
        var producer = Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await h.FeedAsync([Some.Change(i % 50, Some.Transaction())]);
                Interlocked.Increment(ref fed);
            }
        });

        await Wait.UntilAsync(() => h.Consumer.BufferedMessages == expectedLimit, "the buffer is full");
        Assert.False(producer.IsCompleted);
        Assert.True(Volatile.Read(ref fed) <= expectedLimit, $"the source is held back ({fed} fed)");

        gate.Release(int.MaxValue / 2);
        await producer.WaitAsync(Wait.DefaultTimeout);
        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 200, "everything is delivered");
        await Wait.UntilAsync(() => h.Consumer.BufferedMessages == 0, "the buffer is empty");

        Assert.InRange(h.Consumer.PeakBufferedMessages, 1, expectedLimit);
        Assert.InRange(h.Consumer.PeakBufferedBytes, 1, maxBytes);
        Assert.Equal(200, h.Pipeline.Delivered.Select(m => m.Message.CommitLsn).Distinct().Count());
        Assert.Equal(0, h.Consumer.BufferedMessages);
        Assert.Equal(0, h.Consumer.BufferedBytes);
    }
}
