using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Sequin.Core.Tests.Support;
using Sequin.Messages;
using Sequin.Routing;
using Sequin.Sinks;

namespace Sequin.Core.Tests.Pipeline;

public sealed class SinkConsumerRetryTests
{
    private static string Row(RoutedMessage m) => m.Message.Record[0].Text!;

    private static string Name(RoutedMessage m) => m.Message.Record[1].Text!;

    /// <summary>A sink that fails the message named <paramref name="poison"/> with <paramref name="failure"/> its first <paramref name="failures"/> attempts, recording when each attempt came.</summary>
    private static Func<SinkBatch, CancellationToken, ValueTask<BatchResult>> FailFirst(
        string poison, int failures, DeliveryOutcome failure, FakeTimeProvider time, ConcurrentQueue<DateTimeOffset> attempts)
    {
        return (batch, _) =>
        {
            var outcomes = batch.Messages.Select(m =>
            {
                if (Name(m) != poison)
                {
                    return DeliveryOutcome.Delivered;
                }

                attempts.Enqueue(time.GetUtcNow());
                return attempts.Count <= failures ? failure : DeliveryOutcome.Delivered;
            }).ToArray();
            return ValueTask.FromResult(BatchResult.PerMessage(outcomes));
        };
    }

    [Fact]
    public async Task AFailingMessageIsRetriedWithGrowingDelaysWhileLaterMessagesOfItsRowWaitAndOtherRowsFlow()
    {
        var attempts = new ConcurrentQueue<DateTimeOffset>();
        await using var h = new ConsumerHarness(settings: ConsumerHarness.Settings_(partitions: 2));
        h.Pipeline.OnDeliver = FailFirst("poison", 3, DeliveryOutcome.Retry("broker unavailable"), h.Time, attempts);
        var t0 = h.Time.GetUtcNow();

        var poisonTxn = await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "poison")]);
        await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "later")]);
        await h.FeedAsync([Some.Change(2, Some.Transaction(), name: "other")]);
        var lastTxn = await h.FeedAsync([Some.Change(3, Some.Transaction(), name: "another")]);

        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 2, "the other rows are delivered");
        await Wait.UntilAsync(() => h.Consumer.FailedAttempts == 1, "the first attempt failed");
        Assert.DoesNotContain(h.Pipeline.Delivered, m => Row(m) == "1");
        Assert.Single(attempts);
        Assert.Equal(0UL, h.Tracker.GetConfirmableLsn());
        Assert.False(poisonTxn.IsComplete);

        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(1), "first retry");
        await Wait.UntilAsync(() => attempts.Count == 2, "the second attempt");
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(3), "second retry");
        await Wait.UntilAsync(() => attempts.Count == 3, "the third attempt");
        Assert.DoesNotContain(h.Pipeline.Delivered, m => Row(m) == "1");
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(7), "third retry");

        await Wait.UntilAsync(() => h.Consumer.DeliveredMessages == 4, "row 1 is delivered after its retries");
        Assert.Equal([t0, t0.AddSeconds(1), t0.AddSeconds(3), t0.AddSeconds(7)], attempts);
        Assert.Equal(["poison", "later"], h.Pipeline.Delivered.Where(m => Row(m) == "1").Select(Name));
        Assert.Equal(3, h.Consumer.FailedAttempts);
        Assert.Equal(0, h.Consumer.DiscardedMessages);
        Assert.Equal(lastTxn.EndLsn, h.Tracker.GetConfirmableLsn());
        Assert.Contains(h.Logger.Entries, e => e.EventId.Id == 1210 && e.Message.Contains("broker unavailable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithMaxRetryCountAMessageIsDiscardedWithALoggedReasonAndItsTransactionCompletes()
    {
        var attempts = new ConcurrentQueue<DateTimeOffset>();
        await using var h = new ConsumerHarness(settings: ConsumerHarness.Settings_(maxRetryCount: 2));
        h.Pipeline.OnDeliver = FailFirst("poison", int.MaxValue, DeliveryOutcome.Permanent("message too large (2 MB > 1 MB)"), h.Time, attempts);
        var t0 = h.Time.GetUtcNow();

        var poisonTxn = await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "poison")]);
        var laterTxn = await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "later")]);
        await Wait.UntilAsync(() => attempts.Count == 1, "the first attempt");
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(1), "the retry");

        await Wait.UntilAsync(() => h.Consumer.DeliveredMessages == 1, "the later change is delivered after the discard");
        Assert.Equal("later", Name(h.Pipeline.Delivered.Single()));
        Assert.Equal(2, attempts.Count);
        Assert.Equal(1, h.Consumer.DiscardedMessages);
        Assert.Equal(2, h.Consumer.PermanentFailures);
        Assert.Equal(2, h.Consumer.FailedAttempts);
        var discard = Assert.Single(h.Logger.Entries, e => e.EventId.Id == 1220);
        Assert.Equal(LogLevel.Error, discard.Level);
        Assert.Contains("message too large (2 MB > 1 MB)", discard.Message, StringComparison.Ordinal);
        Assert.Contains("after 2 failed attempts", discard.Message, StringComparison.Ordinal);
        Assert.True(poisonTxn.IsComplete);
        Assert.Equal(laterTxn.EndLsn, h.Tracker.GetConfirmableLsn());
        Assert.Equal(0, h.Consumer.BufferedMessages);
    }

    [Fact]
    public async Task APartialBatchFailureRetriesOnlyTheFailedMessages()
    {
        var failedOnce = 0;
        await using var h = new ConsumerHarness(settings: ConsumerHarness.Settings_(partitions: 1), configurePipeline: p => p.Batching = new BatchingOptions { MaxMessages = 3, Linger = TimeSpan.FromMinutes(1) });
        h.Pipeline.OnDeliver = (batch, _) => ValueTask.FromResult(BatchResult.PerMessage(batch.Messages
            .Select(m => Row(m) == "2" && Interlocked.Exchange(ref failedOnce, 1) == 0 ? DeliveryOutcome.Retry("throttled") : DeliveryOutcome.Delivered)
            .ToArray()));
        var t0 = h.Time.GetUtcNow();

        await h.FeedAsync([Some.Change(1, Some.Transaction()), ]);
        await h.FeedAsync([Some.Change(2, Some.Transaction())]);
        await h.FeedAsync([Some.Change(3, Some.Transaction())]);
        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 2, "rows 1 and 3 are delivered");
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(1), "the retry");
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(1) + TimeSpan.FromMinutes(1), "the retry batch's linger");

        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 3, "row 2 is delivered");
        var batches = h.Pipeline.Batches.Select(b => b.Batch.Messages.Select(Row).ToArray()).ToList();
        Assert.Equal([["1", "2", "3"], ["2"]], batches);
    }

    [Fact]
    public async Task AnExceptionFromDeliveryFailsTheWholeBatchAsRetryableAndIsLogged()
    {
        var calls = 0;
        await using var h = new ConsumerHarness(settings: ConsumerHarness.Settings_(partitions: 1), configurePipeline: p => p.Batching = new BatchingOptions { MaxMessages = 2, Linger = TimeSpan.FromMinutes(1) });
        h.Pipeline.OnDeliver = (batch, _) => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("connection reset")
            : ValueTask.FromResult(BatchResult.AllDelivered);
        var t0 = h.Time.GetUtcNow();

        await h.FeedAsync([Some.Change(1, Some.Transaction())]);
        await h.FeedAsync([Some.Change(2, Some.Transaction())]);
        await Wait.UntilAsync(() => h.Consumer.FailedAttempts == 2, "both messages failed once");
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(1), "the retry");

        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 2, "both are delivered");
        var logged = Assert.Single(h.Logger.Entries, e => e.EventId.Id == 1211);
        Assert.IsType<InvalidOperationException>(logged.Exception);
        Assert.Equal(2, h.Pipeline.Batches.Last().Batch.Messages.Count);
    }

    [Fact]
    public async Task RetryAfterFromTheOutcomeIsHonoured()
    {
        var attempts = new ConcurrentQueue<DateTimeOffset>();
        await using var h = new ConsumerHarness();
        h.Pipeline.OnDeliver = FailFirst("poison", 1, DeliveryOutcome.Retry("429 slow down", TimeSpan.FromSeconds(30)), h.Time, attempts);
        var t0 = h.Time.GetUtcNow();

        await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "poison")]);
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(30), "the throttled retry");

        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 1, "delivered after the requested delay");
        Assert.Equal([t0, t0.AddSeconds(30)], attempts);
    }

    [Fact]
    public async Task AThrowingBatchOfTheDefaultBatchKeyIsNamedInTheLog()
    {
        var calls = 0;
        await using var h = new ConsumerHarness(settings: ConsumerHarness.Settings_(partitions: 1), configurePipeline: p => p.BatchKey = _ => "");
        h.Pipeline.OnDeliver = (batch, _) => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("connection reset")
            : ValueTask.FromResult(BatchResult.AllDelivered);
        var t0 = h.Time.GetUtcNow();

        await h.FeedAsync([Some.Change(1, Some.Transaction())]);
        await Wait.UntilAsync(() => h.Consumer.FailedAttempts == 1, "the batch failed once");
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(1), "the retry");
        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 1, "delivered on the retry");

        var logged = Assert.Single(h.Logger.Entries, e => e.EventId.Id == 1211);
        Assert.Contains("delivering batch (default) of 1 messages threw", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARetryAfterBeyondWhatATimerTakesIsCutToAnHour()
    {
        var attempts = new ConcurrentQueue<DateTimeOffset>();
        await using var h = new ConsumerHarness();
        h.Pipeline.OnDeliver = FailFirst("poison", 1, DeliveryOutcome.Retry("429 come back next year", TimeSpan.FromDays(365)), h.Time, attempts);
        var t0 = h.Time.GetUtcNow();

        await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "poison")]);
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromHours(1), "the throttled retry, cut to an hour");

        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 1, "delivered after an hour");
        Assert.Equal([t0, t0.AddHours(1)], attempts);
    }

    [Fact]
    public async Task ARoutingFailureIsRetriedAndBlocksOnlyItsGroup()
    {
        var failures = 0;
        var processors = new FakeProcessorFactory
        {
            Decide = (m, _) => m.Record[1].Text == "bad-route" && Interlocked.Increment(ref failures) <= 2
                ? ProcessResult.Failed("route: topic must not be empty (line 2, column 5)")
                : null,
        };
        await using var h = new ConsumerHarness(processors: processors);
        var t0 = h.Time.GetUtcNow();

        await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "bad-route")]);
        await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "later")]);
        await h.FeedAsync([Some.Change(2, Some.Transaction(), name: "other")]);

        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 1, "the other row is delivered");
        await Wait.UntilAsync(() => h.Consumer.FailedAttempts == 1, "row 1's routing failed");
        Assert.Equal("other", Name(h.Pipeline.Delivered.Single()));
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(1), "first retry");
        await Wait.UntilAsync(() => h.Consumer.FailedAttempts == 2, "the second failure");
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(3), "second retry");

        await Wait.UntilAsync(() => h.Pipeline.Delivered.Count == 3, "row 1 is delivered in order");
        Assert.Equal(["bad-route", "later"], h.Pipeline.Delivered.Where(m => Row(m) == "1").Select(Name));
        Assert.Contains(h.Logger.Entries, e => e.EventId.Id == 1213 && e.Message.Contains("line 2, column 5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FilteredMessagesCompleteTheirTransactionWithoutDelivery()
    {
        var processors = new FakeProcessorFactory { Decide = (m, _) => m.Record[0].Text == "2" ? ProcessResult.Filtered : null };
        await using var h = new ConsumerHarness(processors: processors);
        var txn = Some.Transaction();

        await h.FeedAsync([Some.Change(1, txn, 0), Some.Change(2, txn, 1), Some.Change(3, txn, 2)]);

        await Wait.UntilAsync(() => txn.IsComplete, "the transaction completes");
        Assert.Equal(["1", "3"], h.Pipeline.Delivered.Select(Row).Order());
        Assert.Equal(1, h.Consumer.FilteredMessages);
        Assert.Equal(2, h.Consumer.DeliveredMessages);
        Assert.Equal(0, h.Consumer.BufferedMessages);
        Assert.Equal(txn.EndLsn, h.Tracker.GetConfirmableLsn());
    }

    [Fact]
    public async Task AResultWithTheWrongNumberOfOutcomesIsRetriedAsAFailedBatch()
    {
        var calls = 0;
        await using var h = new ConsumerHarness();
        h.Pipeline.OnDeliver = (batch, _) => ValueTask.FromResult(Interlocked.Increment(ref calls) == 1
            ? BatchResult.PerMessage([])
            : BatchResult.AllDelivered);
        var t0 = h.Time.GetUtcNow();

        var txn = await h.FeedAsync([Some.Change(1, Some.Transaction())]);
        await Wait.UntilAsync(() => h.Consumer.FailedAttempts == 1, "the batch failed");
        Assert.False(txn.IsComplete);
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(1), "the retry");

        await Wait.UntilAsync(() => txn.IsComplete, "the message is delivered on retry");
        Assert.Contains(h.Logger.Entries, e => e.EventId.Id == 1212);
    }

    [Fact]
    public async Task AThrowingProcessorOrBatchKeyFailsOnlyThatMessageAndIsRetried()
    {
        var throws = 0;
        var processors = new FakeProcessorFactory
        {
            Decide = (m, _) => m.Record[1].Text == "bug" && Interlocked.Increment(ref throws) == 1 ? throw new FormatException("bad date") : null,
        };
        var keyThrows = 0;
        await using var h = new ConsumerHarness(processors: processors, configurePipeline: p => p.BatchKey = m =>
            m.Message.Record[1].Text == "bad-key" && Interlocked.Increment(ref keyThrows) == 1 ? throw new KeyNotFoundException("no topic") : "k");
        var t0 = h.Time.GetUtcNow();

        await h.FeedAsync([Some.Change(1, Some.Transaction(), name: "bug")]);
        await h.FeedAsync([Some.Change(2, Some.Transaction(), name: "bad-key")]);
        await h.FeedAsync([Some.Change(3, Some.Transaction(), name: "fine")]);
        await Wait.UntilAsync(() => h.Consumer.FailedAttempts == 2 && h.Consumer.DeliveredMessages == 1, "both bad messages failed once and the fine one is delivered");
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(1), "the retries");

        await Wait.UntilAsync(() => h.Consumer.DeliveredMessages == 3, "all are delivered");
        Assert.Contains(h.Logger.Entries, e => e.EventId.Id == 1213 && e.Message.Contains("FormatException: bad date", StringComparison.Ordinal));
        Assert.Contains(h.Logger.Entries, e => e.EventId.Id == 1213 && e.Message.Contains("no topic", StringComparison.Ordinal));
    }
}
