using Sequin.Core.Tests.Support;
using Sequin.Sinks;

namespace Sequin.Core.Tests.Runtime;

public sealed class AckTrackerDeliveryTests
{
    [Fact]
    public async Task TheConfirmableLsnNeverPassesAnUndeliveredMessage()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = new ConsumerHarness(configurePipeline: p =>
        {
            p.Batching = new BatchingOptions { MaxMessages = 1 };
            p.OnDeliver = async (batch, ct) =>
            {
                if (batch.Messages.Any(m => m.Message.Record[1].Text == "slow"))
                {
                    await release.Task.WaitAsync(ct);
                }

                return BatchResult.AllDelivered;
            };
        });

        var txn1 = Some.Transaction(0x1000);
        await h.FeedAsync([Some.Change(1, txn1, 0, name: "slow"), Some.Change(2, txn1, 1)], endLsn: 0x1008);
        var txn2 = Some.Transaction(0x2000);
        await h.FeedAsync([Some.Change(3, txn2, 0)], endLsn: 0x2008);
        var txn3 = Some.Transaction(0x3000);
        await h.FeedAsync([Some.Change(4, txn3, 0)], endLsn: 0x3008);

        await Wait.UntilAsync(() => h.Consumer.DeliveredMessages == 3, "everything but the slow change is delivered");
        Assert.True(txn2.IsComplete);
        Assert.True(txn3.IsComplete);
        Assert.False(txn1.IsComplete);
        Assert.Equal(0UL, h.Tracker.GetConfirmableLsn());

        release.SetResult();
        await Wait.UntilAsync(() => h.Tracker.GetConfirmableLsn() == 0x3008, "the tracker advances past all three transactions");
        Assert.Equal(0, h.Tracker.OpenTransactions);
    }

    [Fact]
    public async Task AChangeNoConsumerTakesDoesNotHoldItsTransaction()
    {
        await using var h = new ConsumerHarness(settings: ConsumerHarness.Settings_() with { IncludeTables = ["other"] });
        var txn = Some.Transaction(0x5000);

        await h.FeedAsync([Some.Change(1, txn, 0)], endLsn: 0x5008);

        Assert.True(txn.IsComplete);
        Assert.Equal(0x5008UL, h.Tracker.GetConfirmableLsn());
        Assert.Empty(h.Pipeline.Batches);
    }
}
