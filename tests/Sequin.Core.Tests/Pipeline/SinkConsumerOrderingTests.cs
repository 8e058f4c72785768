using Sequin.Core.Tests.Support;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Core.Tests.Pipeline;

public sealed class SinkConsumerOrderingTests
{
    private static string Row(RoutedMessage m) => m.Message.Record[0].Text!;

    private static void AssertCommitOrderPerGroup(IEnumerable<RoutedMessage> delivered)
    {
        foreach (var group in delivered.GroupBy(m => (m.Message.Relation.Oid, m.GroupId)))
        {
            var positions = group.Select(m => (m.Message.CommitLsn, m.Message.CommitIdx)).ToList();
            Assert.Equal(positions.OrderBy(p => p.CommitLsn).ThenBy(p => p.CommitIdx), positions);
        }
    }

    [Fact]
    public async Task GroupsFlowInParallelWhileOneGroupIsBlockedAndEachKeepsCommitOrder()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = new ConsumerHarness(configurePipeline: p =>
        {
            // One message per batch, so that only row 1's batch is held.
            p.Batching = new BatchingOptions { MaxMessages = 1 };
            p.OnDeliver = async (batch, ct) =>
            {
                if (batch.Messages.Any(m => Row(m) == "1"))
                {
                    await release.Task.WaitAsync(ct);
                }

                return BatchResult.AllDelivered;
            };
        });

        for (var version = 0; version < 3; version++)
        {
            for (var row = 1; row <= 5; row++)
            {
                var r = row;
                await h.FeedAsync([Some.Change(r, Some.Transaction(), name: "v" + version)]);
            }
        }

        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count(m => Row(m) != "1") == 12, "rows 2-5 are delivered");
        Assert.DoesNotContain(h.Pipeline.Delivered, m => Row(m) == "1");

        release.SetResult();
        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 15, "row 1 is delivered too");
        Assert.Equal(["v0", "v1", "v2"], h.Pipeline.Delivered.Where(m => Row(m) == "1").Select(m => m.Message.Record[1].Text));
        AssertCommitOrderPerGroup(h.Pipeline.Delivered);
        Assert.Empty(h.Pipeline.Violations);
    }

    [Fact]
    public async Task ARowUpdatedAThousandTimesArrivesInOrderWhileOtherGroupsInterleave()
    {
        await using var h = new ConsumerHarness(configurePipeline: p => p.Batching = new BatchingOptions { MaxMessages = 50, Linger = TimeSpan.Zero, MaxConcurrentBatches = 4 });
        var txns = new List<TransactionInfo>();
        for (var i = 0; i < 1000; i++)
        {
            var txn = Some.Transaction();
            txns.Add(await h.FeedAsync([
                Some.Change(1, txn, 0, name: "v" + i),
                Some.Change(2 + (i % 20), txn, 1, name: "w" + i),
            ]));
        }

        await Wait.UntilAsync(() => h.Consumer.DeliveredMessages == 2000, "all 2000 changes are delivered");
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => "v" + i), h.Pipeline.Delivered.Where(m => Row(m) == "1").Select(m => m.Message.Record[1].Text));
        AssertCommitOrderPerGroup(h.Pipeline.Delivered);
        Assert.Empty(h.Pipeline.Violations);
        Assert.All(txns, t => Assert.True(t.IsComplete));
        Assert.Equal(txns[^1].EndLsn, h.Tracker.GetConfirmableLsn());
        Assert.True(h.Pipeline.Batches.Count < 2000, "changes of different rows share batches");
    }

    [Fact]
    public async Task EachPartitionGetsItsOwnProcessorAndNoneIsUsedConcurrently()
    {
        await using var h = new ConsumerHarness(settings: ConsumerHarness.Settings_(partitions: 3));
        for (var i = 0; i < 300; i++)
        {
            await h.FeedAsync([Some.Change(i % 37, Some.Transaction())]);
        }

        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 300, "all changes are delivered");
        Assert.Equal(3, h.Processors.Created);
        Assert.Equal(0, h.Processors.ConcurrentUseViolations);
    }

    [Fact]
    public async Task WithoutGroupingMessagesOfOneRowAreIndependent()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = new ConsumerHarness(
            settings: ConsumerHarness.Settings_(partitions: 2) with { MessageGrouping = false },
            configurePipeline: p => p.OnDeliver = async (batch, ct) =>
            {
                if (batch.Messages.Any(m => m.Message.Record[1].Text == "first"))
                {
                    await release.Task.WaitAsync(ct);
                }

                return BatchResult.AllDelivered;
            });

        await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "first")]);
        await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "second")]);

        await Wait.UntilAsync(() => h.Pipeline.Delivered.Any(m => m.Message.Record[1].Text == "second"), "the second change passes the blocked first");
        release.SetResult();
        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 2, "both are delivered");
        Assert.All(h.Pipeline.Delivered, m => Assert.Null(m.GroupId));
    }

    [Fact]
    public async Task ATruncateIsNotOrderedBehindABlockedRowOfItsTable()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = new ConsumerHarness(
            settings: ConsumerHarness.Settings_() with { Actions = new HashSet<ChangeAction> { ChangeAction.Update, ChangeAction.Truncate } },
            configurePipeline: p =>
            {
                p.Batching = new BatchingOptions { MaxMessages = 1 };
                p.OnDeliver = async (batch, ct) =>
                {
                    if (batch.Messages.Any(m => m.Message.Action == ChangeAction.Update))
                    {
                        await release.Task.WaitAsync(ct);
                    }

                    return BatchResult.AllDelivered;
                };
            });

        await h.FeedAsync([Some.Change(1, Some.Transaction())]);
        await h.FeedAsync([Some.Change(1, Some.Transaction(), action: ChangeAction.Truncate)]);

        await Wait.UntilAsync(() => h.Pipeline.Delivered.Any(m => m.Message.Action == ChangeAction.Truncate), "the truncate is delivered");
        Assert.Equal("public.t", h.Pipeline.Delivered.Single().GroupId);
        release.SetResult();
        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 2, "the update is delivered");
    }
}
