using System.Security.Cryptography;
using System.Text;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Sns.Tests.Support;
using Sequin.TestServers.Aws;

namespace Sequin.Sinks.Sns.Tests;

/// <summary>The pipeline against the project's SNS fake (PublishBatch, partial failures, throttling, FIFO rules).</summary>
public sealed class SnsSinkPipelineTests
{
    private static SinkBatch Batch(string arn, params RoutedMessage[] messages) => new(arn, messages);

    private static string Md5Hex(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));

    [Fact]
    public async Task BatchKeyIsTheRoutedTopicArn()
    {
        await using var sns = FakeSns.Start();

        Assert.Equal(Some.FifoTopicArn, sns.Pipeline.GetBatchKey(Some.Routed(Some.FifoTopicArn, 1)));
        Assert.Equal(Some.TopicArn, sns.Pipeline.GetBatchKey(Some.Routed(Some.TopicArn, 1)));
    }

    [Fact]
    public async Task BatchesHoldAtMostTenMessagesForOneTopicAndMessagesAtMost256KiB()
    {
        await using var sns = FakeSns.Start();
        var limits = ((ISinkPlugin)new SnsSink()).GetLimits(sns.Options);

        Assert.Equal(10, sns.Pipeline.Batching.MaxMessages);
        Assert.Equal(10, sns.Pipeline.Batching.MaxMessagesLimit);
        Assert.Equal(10, limits.MaxBatchMessages);
        Assert.Equal(256 * 1024, limits.MaxMessageBytes);
        Assert.Equal(["topic_arn"], limits.BatchBy);
        Assert.Equal(32, sns.Pipeline.Batching.MaxConcurrentBatches);
        Assert.Equal(TimeSpan.FromMilliseconds(1), sns.Pipeline.Batching.Linger);
    }

    [Fact]
    public async Task BatchBytesLeaveRoomForTheAttributesOfTenEntries()
    {
        await using var sns = FakeSns.Start();

        // Core counts payload bytes; SNS counts each entry's attributes as well, against the same 256 KiB per call.
        Assert.True(sns.Pipeline.Batching.MaxBytes + (10 * SnsSink.MaxAttributeBytes) <= 256 * 1024);
        Assert.True(sns.Pipeline.Batching.MaxBytes > 254 * 1024);
    }

    [Fact]
    public async Task DeliveryPublishesThePayloadWithActionAndTableAttributes()
    {
        await using var sns = FakeSns.Start();
        var messages = Enumerable.Range(1, 3).Select(i => Some.Routed(Some.TopicArn, i, commitIdx: i)).ToArray();

        var result = await sns.Pipeline.DeliverAsync(Batch(Some.TopicArn, messages), CancellationToken.None);

        Assert.Null(result.Count);
        var published = sns.Server.Published;
        Assert.Equal(3, published.Count);
        Assert.Equal(Encoding.UTF8.GetString(messages[0].Payload.Span), published[0].Message);
        Assert.Equal("insert", published[0].Attributes["action"]);
        Assert.Equal("public.orders", published[0].Attributes["table"]);
        Assert.Null(published[0].MessageGroupId);
        Assert.Null(published[0].MessageDeduplicationId);
        var request = Assert.Single(sns.Server.Requests, r => r.Action == "PublishBatch");
        Assert.Equal(3, request.EntryCount);
    }

    [Fact]
    public async Task ABatchOfTenIsOnePublishBatchCall()
    {
        await using var sns = FakeSns.Start();
        var messages = Enumerable.Range(1, 10).Select(i => Some.Routed(Some.TopicArn, i, commitIdx: i)).ToArray();

        var result = await sns.Pipeline.DeliverAsync(Batch(Some.TopicArn, messages), CancellationToken.None);

        Assert.Null(result.Count);
        Assert.Equal([10], sns.Server.Requests.Where(r => r.Action == "PublishBatch").Select(r => r.EntryCount));
        Assert.Equal(10, sns.Server.Published.Count);
    }

    [Fact]
    public async Task AFullBatchOfLongTableNamesFitsOnePublishBatchCall()
    {
        await using var sns = FakeSns.Start();
        var overhead = Some.Routed(Some.LongTopicArn, 1, relation: Some.LongNamedTable, payloadPadding: 1).Payload.Length - 1;
        var padding = (sns.Pipeline.Batching.MaxBytes / 10) - overhead;
        var messages = Enumerable.Range(1, 10).Select(i => Some.Routed(Some.LongTopicArn, i, relation: Some.LongNamedTable, payloadPadding: (int)padding)).ToArray();

        var result = await sns.Pipeline.DeliverAsync(Batch(Some.LongTopicArn, messages), CancellationToken.None);

        Assert.True(messages.Sum(m => m.Payload.Length) > sns.Pipeline.Batching.MaxBytes - 10);
        Assert.Null(result.Count);
        Assert.Equal([10], sns.Server.Requests.Where(r => r.Action == "PublishBatch").Select(r => r.EntryCount));
        Assert.All(sns.Server.Published, p => Assert.Equal(new string('s', 63) + "." + new string('t', 63), p.Attributes["table"]));
    }

    [Fact]
    public async Task MessageOver256KiBIsRejectedWithoutReachingSns()
    {
        await using var sns = FakeSns.Start();
        var messages = new[] { Some.Routed(Some.TopicArn, 1), Some.Routed(Some.TopicArn, 2, payloadPadding: 256 * 1024), Some.Routed(Some.TopicArn, 3) };

        var result = await sns.Pipeline.DeliverAsync(Batch(Some.TopicArn, messages), CancellationToken.None);

        Assert.Equal(3, result.Count);
        Assert.True(result[0].IsDelivered);
        Assert.Equal(DeliveryStatus.Rejected, result[1].Status);
        Assert.Contains($"Message of {messages[1].Payload.Length} bytes", result[1].Error, StringComparison.Ordinal);
        Assert.Contains("limit of 262144 bytes", result[1].Error, StringComparison.Ordinal);
        Assert.Contains("not sent", result[1].Error, StringComparison.Ordinal);
        Assert.True(result[2].IsDelivered);
        Assert.Equal(2, sns.Server.Published.Count);
        Assert.DoesNotContain(sns.Server.Published, p => p.Message.Length > 1000);
    }

    [Fact]
    public async Task PartialFailureRetriesOnlyTheFailedMessages()
    {
        await using var sns = FakeSns.Start();
        var failOnce = new HashSet<string>(StringComparer.Ordinal);
        sns.Server.FailEntry = m => m.Message.Contains("\"id\":2,", StringComparison.Ordinal) || m.Message.Contains("\"id\":4,", StringComparison.Ordinal)
            ? failOnce.Add(m.Message) ? new SnsFakeEntryError("InternalError", "Internal service error", SenderFault: false) : null
            : null;
        var messages = Enumerable.Range(1, 5).Select(i => Some.Routed(Some.TopicArn, i, commitIdx: i)).ToArray();

        var first = await sns.Pipeline.DeliverAsync(Batch(Some.TopicArn, messages), CancellationToken.None);
        var failed = Enumerable.Range(0, 5).Where(i => !first[i].IsDelivered).ToArray();
        var retry = await sns.Pipeline.DeliverAsync(Batch(Some.TopicArn, failed.Select(i => messages[i]).ToArray()), CancellationToken.None);

        Assert.Equal([1, 3], failed);
        Assert.All(failed, i =>
        {
            Assert.Equal(DeliveryStatus.Retryable, first[i].Status);
            Assert.Contains("InternalError", first[i].Error, StringComparison.Ordinal);
        });
        Assert.Null(retry.Count);
        var ids = sns.Server.Published.Select(p => p.Message).ToList();
        Assert.Equal(5, ids.Count);
        Assert.Equal(5, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task EntryRejectedForTheSendersFaultIsPermanent()
    {
        await using var sns = FakeSns.Start();
        sns.Server.FailEntry = m => m.Message.Contains("\"id\":2,", StringComparison.Ordinal) ? new SnsFakeEntryError("InvalidParameter", "Invalid parameter: Message", SenderFault: true) : null;

        var result = await sns.Pipeline.DeliverAsync(Batch(Some.TopicArn, Some.Routed(Some.TopicArn, 1), Some.Routed(Some.TopicArn, 2)), CancellationToken.None);

        Assert.True(result[0].IsDelivered);
        Assert.Equal(DeliveryStatus.Permanent, result[1].Status);
        Assert.Contains("Invalid parameter: Message", result[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThrottlingFailsTheWholeCallAsRetryableWithADelay()
    {
        await using var sns = FakeSns.Start();
        sns.Server.FailNextRequests(1, 400, "Throttling", "Rate exceeded");

        var result = await sns.Pipeline.DeliverAsync(Batch(Some.TopicArn, Some.Routed(Some.TopicArn, 1), Some.Routed(Some.TopicArn, 2)), CancellationToken.None);

        Assert.All(new[] { result[0], result[1] }, o =>
        {
            Assert.Equal(DeliveryStatus.Retryable, o.Status);
            Assert.Contains("Rate exceeded", o.Error, StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromSeconds(1), o.RetryAfter);
        });
        Assert.Empty(sns.Server.Published);
    }

    [Fact]
    public async Task ServiceUnavailableHonoursRetryAfter()
    {
        await using var sns = FakeSns.Start();
        sns.Server.FailNextRequests(1, 503, "ServiceUnavailable", "Service is unavailable", TimeSpan.FromSeconds(7));

        var result = await sns.Pipeline.DeliverAsync(Batch(Some.TopicArn, Some.Routed(Some.TopicArn, 1)), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Retryable, result[0].Status);
        Assert.Equal(TimeSpan.FromSeconds(7), result[0].RetryAfter);
    }

    [Fact]
    public async Task AuthorizationErrorIsPermanent()
    {
        await using var sns = FakeSns.Start();
        sns.Server.Deny(SnsFakeServer.AccessKeyId, "PublishBatch");

        var result = await sns.Pipeline.DeliverAsync(Batch(Some.TopicArn, Some.Routed(Some.TopicArn, 1)), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Permanent, result[0].Status);
        Assert.Contains("AuthorizationError", result[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FifoTopicGetsGroupAndDeduplicationIds()
    {
        await using var sns = FakeSns.Start();
        var message = Some.Routed(Some.FifoTopicArn, 7, groupId: "7", commitLsn: 0xABCDEF, commitIdx: 3);

        var result = await sns.Pipeline.DeliverAsync(Batch(Some.FifoTopicArn, message), CancellationToken.None);

        Assert.Null(result.Count);
        var published = Assert.Single(sns.Server.Published);
        Assert.Equal(Md5Hex("7"), published.MessageGroupId);
        Assert.Equal(message.Message.IdempotencyKey, published.MessageDeduplicationId);
    }

    [Fact]
    public async Task ABackfillReadIsPublishedWithActionReadAndItsBackfillIdempotencyKeyAsDeduplicationId()
    {
        await using var sns = FakeSns.Start();
        var change = Some.Change(7, ChangeAction.Read, commitLsn: 0xABCDEF, commitIdx: 3);
        var read = new ChangeMessage(ChangeAction.Read, change.Record, change.Transaction, change.CommitIdx, change.Source, "YmFja2ZpbGwtMTo3");
        var route = new Route(new SnsSink().RouteKeys) { [SnsSink.TopicArnKey] = Some.FifoTopicArn };
        var payload = ChangeMessageJsonWriter.ToUtf8Bytes(read, new ConsumerInfo("orders-to-sns", "orders-to-sns"), TimestampFormat.Iso8601);

        var result = await sns.Pipeline.DeliverAsync(Batch(Some.FifoTopicArn, new RoutedMessage(read, route, "7", payload, false)), CancellationToken.None);

        Assert.Null(result.Count);
        var published = Assert.Single(sns.Server.Published);
        Assert.Equal("read", published.Attributes["action"]);
        Assert.Equal("YmFja2ZpbGwtMTo3", published.MessageDeduplicationId);
        Assert.Contains("\"action\":\"read\"", published.Message, StringComparison.Ordinal);
        Assert.Contains("\"idempotency_key\":\"YmFja2ZpbGwtMTo3\"", published.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FifoIsDecidedFromTheRoutedArnInDynamicMode()
    {
        await using var sns = FakeSns.Start(RoutingMode.Dynamic);

        var result = await sns.Pipeline.DeliverAsync(Batch(Some.FifoTopicArn, Some.Routed(Some.FifoTopicArn, 1), Some.Routed(Some.FifoTopicArn, 2)), CancellationToken.None);

        Assert.Null(sns.Options.TopicArn);
        Assert.Null(result.Count);
        Assert.All(sns.Server.Published, p => Assert.NotNull(p.MessageGroupId));
    }

    [Fact]
    public async Task FifoRedeliveryIsDeduplicatedByTheIdempotencyKey()
    {
        await using var sns = FakeSns.Start();
        var message = Some.Routed(Some.FifoTopicArn, 1, groupId: "1");

        await sns.Pipeline.DeliverAsync(Batch(Some.FifoTopicArn, message), CancellationToken.None);
        var again = await sns.Pipeline.DeliverAsync(Batch(Some.FifoTopicArn, message), CancellationToken.None);

        Assert.Null(again.Count);
        Assert.Single(sns.Server.Published);
    }

    [Fact]
    public async Task FifoMessageWithoutAGroupIdFailsWithAClearError()
    {
        await using var sns = FakeSns.Start();

        var result = await sns.Pipeline.DeliverAsync(Batch(Some.FifoTopicArn, Some.Routed(Some.FifoTopicArn, 1, groupId: null), Some.Routed(Some.FifoTopicArn, 2)), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Permanent, result[0].Status);
        Assert.Contains("MessageGroupId", result[0].Error, StringComparison.Ordinal);
        Assert.Contains("message_group: table", result[0].Error, StringComparison.Ordinal);
        Assert.True(result[1].IsDelivered);
        Assert.Single(sns.Server.Published);
    }

    [Fact]
    public async Task MessageGroupTableGroupsByTable()
    {
        await using var sns = FakeSns.Start(group: SnsMessageGroup.Table);

        await sns.Pipeline.DeliverAsync(Batch(Some.FifoTopicArn, Some.Routed(Some.FifoTopicArn, 1, groupId: null, commitIdx: 1), Some.Routed(Some.FifoTopicArn, 2, commitIdx: 2)), CancellationToken.None);

        Assert.Equal(2, sns.Server.Published.Count);
        Assert.All(sns.Server.Published, p => Assert.Equal(Md5Hex("public.orders"), p.MessageGroupId));
    }
}
