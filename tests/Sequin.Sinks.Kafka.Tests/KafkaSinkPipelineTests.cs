using System.Text;
using Confluent.Kafka;
using Moq;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Kafka.Internal;
using Sequin.Sinks.Kafka.Tests.Support;

namespace Sequin.Sinks.Kafka.Tests;

public sealed class KafkaSinkPipelineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static KafkaDelivery Pipeline(IKafkaMessageProducer producer, KafkaSinkOptions? options = null, SinkContext? context = null) =>
        new(options ?? new KafkaSinkOptions { Hosts = "h:1" }, producer, context ?? Some.Context());

    private static SinkBatch Batch(params RoutedMessage[] messages) => new("orders", messages);

    [Fact]
    public async Task EveryMessageDeliveredGivesAllDelivered()
    {
        var producer = new RecordingProducer();
        var batch = Batch(Some.Routed(Some.Change(1), "orders"), Some.Routed(Some.Change(2), "orders"));

        var result = await Pipeline(producer).DeliverAsync(batch, CancellationToken.None);

        Assert.All(result, o => Assert.True(o.IsDelivered));
        Assert.Equal(2, producer.Produced.Count);
        Assert.All(producer.Produced, p => Assert.Equal("orders", p.Topic));
    }

    [Fact]
    public async Task ProducedRecordCarriesKeyPayloadAndHeaders()
    {
        var producer = new RecordingProducer();
        var change = Some.Change(7, ChangeAction.Update, Some.Relation("sales", "orders"));
        var routed = Some.Routed(change, "orders");

        await Pipeline(producer).DeliverAsync(Batch(routed), CancellationToken.None);

        var record = Assert.Single(producer.Produced).Message;
        Assert.Equal("7", Encoding.UTF8.GetString(record.Key!));
        Assert.Equal(routed.Payload.ToArray(), record.Value);
        Assert.Equal(change.IdempotencyKey, Encoding.UTF8.GetString(record.Headers.GetLastBytes("idempotency_key")));
        Assert.Equal("update", Encoding.UTF8.GetString(record.Headers.GetLastBytes("action")));
        Assert.Equal("sales.orders", Encoding.UTF8.GetString(record.Headers.GetLastBytes("table")));
    }

    [Fact]
    public async Task BatchCompletesOnlyWhenEveryReportIsIn()
    {
        var producer = new RecordingProducer { HoldReports = true };
        var batch = Batch(Some.Routed(Some.Change(1), "orders"), Some.Routed(Some.Change(2), "orders"), Some.Routed(Some.Change(3), "orders"));

        var delivering = Pipeline(producer).DeliverAsync(batch, CancellationToken.None).AsTask();

        // Every message is handed to the producer without waiting for a report.
        Assert.Equal(3, producer.HeldCount);
        Assert.False(delivering.IsCompleted);
        producer.ReleaseAll();
        var result = await delivering.WaitAsync(Timeout);
        Assert.All(result, o => Assert.True(o.IsDelivered));
    }

    [Fact]
    public async Task PartialFailureFailsOnlyTheFailedMessagesWithLibrdkafkasReason()
    {
        var producer = new RecordingProducer { ErrorFor = i => i == 1 ? ErrorCode.Local_MsgTimedOut : ErrorCode.NoError };
        var batch = Batch(Some.Routed(Some.Change(1), "orders"), Some.Routed(Some.Change(2), "orders"), Some.Routed(Some.Change(3), "orders"));

        var result = await Pipeline(producer).DeliverAsync(batch, CancellationToken.None);

        Assert.Equal(3, result.Count);
        Assert.True(result[0].IsDelivered);
        Assert.Equal(DeliveryStatus.Retryable, result[1].Status);
        Assert.Contains("Local_MsgTimedOut", result[1].Error, StringComparison.Ordinal);
        Assert.Contains("topic 'orders'", result[1].Error, StringComparison.Ordinal);
        Assert.True(result[2].IsDelivered);
    }

    [Theory]
    [InlineData(ErrorCode.MsgSizeTooLarge, DeliveryStatus.Permanent)]
    [InlineData(ErrorCode.TopicAuthorizationFailed, DeliveryStatus.Permanent)]
    [InlineData(ErrorCode.TopicException, DeliveryStatus.Permanent)]
    [InlineData(ErrorCode.NotEnoughReplicas, DeliveryStatus.Retryable)]
    [InlineData(ErrorCode.LeaderNotAvailable, DeliveryStatus.Retryable)]
    [InlineData(ErrorCode.Local_Transport, DeliveryStatus.Retryable)]
    [InlineData(ErrorCode.UnknownTopicOrPart, DeliveryStatus.Retryable)]
    public async Task DeliveryErrorsAreClassified(ErrorCode code, DeliveryStatus expected)
    {
        var producer = new RecordingProducer { ErrorFor = _ => code };

        var result = await Pipeline(producer).DeliverAsync(Batch(Some.Routed(Some.Change(1), "orders")), CancellationToken.None);

        Assert.Equal(expected, result[0].Status);
        Assert.Contains(code.ToString(), result[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedMessageFailsPermanentlyAndIsNotSent()
    {
        var producer = new RecordingProducer();
        var options = new KafkaSinkOptions { Hosts = "h:1", MaxMessageBytes = 1_000 };
        var big = Some.Routed(Some.Change(2), "orders", payload: new byte[2_000]);
        var batch = Batch(Some.Routed(Some.Change(1), "orders"), big, Some.Routed(Some.Change(3), "orders"));

        var result = await Pipeline(producer, options).DeliverAsync(batch, CancellationToken.None);

        Assert.Equal(2, producer.Produced.Count);
        Assert.True(result[0].IsDelivered);
        Assert.Equal(DeliveryStatus.Rejected, result[1].Status);
        Assert.Contains("exceeds max_message_bytes (1000)", result[1].Error, StringComparison.Ordinal);
        Assert.True(result[2].IsDelivered);
    }

    [Fact]
    public async Task MessageAtExactlyMaxBytesIsSent()
    {
        var producer = new RecordingProducer();
        var routed = Some.Routed(Some.Change(1), "orders", payload: []);
        var overhead = KafkaMessageBuilder.SizeOf(KafkaMessageBuilder.Build(routed));
        var options = new KafkaSinkOptions { Hosts = "h:1", MaxMessageBytes = 1_000 };
        var exact = Some.Routed(Some.Change(1), "orders", payload: new byte[1_000 - overhead]);

        var result = await Pipeline(producer, options).DeliverAsync(Batch(exact), CancellationToken.None);

        Assert.All(result, o => Assert.True(o.IsDelivered));
        Assert.Single(producer.Produced);
    }

    [Fact]
    public async Task FullLocalQueueIsWaitedOutAndRetried()
    {
        var calls = 0;
        var producer = new Mock<IKafkaMessageProducer>();
        producer
            .Setup(p => p.Produce(It.IsAny<string>(), It.IsAny<Message<byte[]?, byte[]?>>(), It.IsAny<Action<DeliveryReport<byte[]?, byte[]?>>>()))
            .Callback((string topic, Message<byte[]?, byte[]?> message, Action<DeliveryReport<byte[]?, byte[]?>> handler) =>
            {
                if (++calls <= 2)
                {
                    throw new ProduceException<byte[]?, byte[]?>(new Error(ErrorCode.Local_QueueFull), new DeliveryResult<byte[]?, byte[]?>());
                }

                handler(new DeliveryReport<byte[]?, byte[]?> { Error = new Error(ErrorCode.NoError) });
            });

        var result = await Pipeline(producer.Object).DeliverAsync(Batch(Some.Routed(Some.Change(1), "orders")), CancellationToken.None);

        Assert.All(result, o => Assert.True(o.IsDelivered));
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task ImmediateProduceRefusalBecomesTheMessagesOutcome()
    {
        var producer = new Mock<IKafkaMessageProducer>();
        producer
            .Setup(p => p.Produce(It.IsAny<string>(), It.IsAny<Message<byte[]?, byte[]?>>(), It.IsAny<Action<DeliveryReport<byte[]?, byte[]?>>>()))
            .Throws(new ProduceException<byte[]?, byte[]?>(new Error(ErrorCode.MsgSizeTooLarge, "Broker: Message size too large"), new DeliveryResult<byte[]?, byte[]?>()));

        var result = await Pipeline(producer.Object).DeliverAsync(Batch(Some.Routed(Some.Change(1), "orders")), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Permanent, result[0].Status);
        Assert.Contains("Message size too large", result[0].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteWithTombstonesSendsTheDeleteThenATombstoneWithTheSameKey()
    {
        var producer = new RecordingProducer();
        var options = new KafkaSinkOptions { Hosts = "h:1", Tombstones = true };
        var batch = Batch(Some.Routed(Some.Change(1, ChangeAction.Delete), "orders"), Some.Routed(Some.Change(2), "orders"));

        var result = await Pipeline(producer, options).DeliverAsync(batch, CancellationToken.None);

        Assert.All(result, o => Assert.True(o.IsDelivered));
        Assert.Equal(3, producer.Produced.Count);
        var (delete, tombstone, insert) = (producer.Produced[0].Message, producer.Produced[1].Message, producer.Produced[2].Message);
        Assert.NotNull(delete.Value);
        Assert.Null(tombstone.Value);
        Assert.Equal(delete.Key, tombstone.Key);
        Assert.NotNull(insert.Value);
    }

    [Fact]
    public async Task DeleteWithoutTombstonesIsOneNormalMessage()
    {
        var producer = new RecordingProducer();

        await Pipeline(producer).DeliverAsync(Batch(Some.Routed(Some.Change(1, ChangeAction.Delete), "orders")), CancellationToken.None);

        var record = Assert.Single(producer.Produced).Message;
        Assert.NotNull(record.Value);
        Assert.Equal("delete", Encoding.UTF8.GetString(record.Headers.GetLastBytes("action")));
    }

    [Fact]
    public async Task FailedTombstoneFailsItsMessage()
    {
        var producer = new RecordingProducer { ErrorFor = i => i == 1 ? ErrorCode.Local_MsgTimedOut : ErrorCode.NoError };
        var options = new KafkaSinkOptions { Hosts = "h:1", Tombstones = true };

        var result = await Pipeline(producer, options).DeliverAsync(Batch(Some.Routed(Some.Change(1, ChangeAction.Delete), "orders")), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Retryable, result[0].Status);
    }

    [Fact]
    public async Task KeyIsMessageKeyThenGroupIdThenNone()
    {
        var producer = new RecordingProducer();
        var batch = Batch(
            Some.Routed(Some.Change(1), "orders", messageKey: "custom", groupId: "g1"),
            Some.Routed(Some.Change(2), "orders", messageKey: null, groupId: "g2"),
            Some.Routed(Some.Change(3), "orders", messageKey: null, groupId: null));

        await Pipeline(producer).DeliverAsync(batch, CancellationToken.None);

        Assert.Equal("custom", Encoding.UTF8.GetString(producer.Produced[0].Message.Key!));
        Assert.Equal("g2", Encoding.UTF8.GetString(producer.Produced[1].Message.Key!));
        Assert.Null(producer.Produced[2].Message.Key);
    }

    [Fact]
    public async Task CancellationStopsWaitingForReports()
    {
        var producer = new RecordingProducer { HoldReports = true };
        using var cts = new CancellationTokenSource();

        var delivering = Pipeline(producer).DeliverAsync(Batch(Some.Routed(Some.Change(1), "orders")), cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delivering.WaitAsync(Timeout));
    }

    [Fact]
    public async Task BatchKeyIsTheTopic()
    {
        await using var sink = await SinkPipeline.CreateAsync(new KafkaSinkOptions { Hosts = "h:1" });

        Assert.Equal("sequin.public.users", sink.Pipeline.GetBatchKey(Some.Routed(Some.Change(1), "sequin.public.users")));
    }

    [Fact]
    public async Task BatchingDefaultsTo200MessagesAnd5MillisecondsWithinTheLimitOf10000()
    {
        await using var sink = await SinkPipeline.CreateAsync(new KafkaSinkOptions { Hosts = "h:1" });
        var batching = sink.Pipeline.Batching;

        Assert.Equal((200, 10_000), (batching.MaxMessages, batching.MaxMessagesLimit));
        Assert.Equal(TimeSpan.FromMilliseconds(5), batching.Linger);
        Assert.Equal((KafkaSink.MaxConcurrentBatches, KafkaSink.MaxBatchBytes), (batching.MaxConcurrentBatches, batching.MaxBytes));
    }

    [Fact]
    public async Task BatchingTakesTheDestinationsSettings()
    {
        await using var sink = await SinkPipeline.CreateAsync(new KafkaSinkOptions { Hosts = "h:1", BatchSize = 50, BatchTimeoutMs = 20 });

        Assert.Equal((50, TimeSpan.FromMilliseconds(20)), (sink.Pipeline.Batching.MaxMessages, sink.Pipeline.Batching.Linger));
    }

    /// <summary>The pipeline Core builds for the sink (the sink's own batch_size/batch_timeout_ms are applied over it by the consumer).</summary>
    private sealed class SinkPipeline : IAsyncDisposable
    {
        private readonly ISinkClient _client;

        private SinkPipeline(ISinkClient client, ISinkPipeline pipeline) => (_client, Pipeline) = (client, pipeline);

        public ISinkPipeline Pipeline { get; }

        public static Task<SinkPipeline> CreateAsync(KafkaSinkOptions options)
        {
            ISinkPlugin plugin = new KafkaSink();
            var client = plugin.CreateClient(options, Some.Context());
            return Task.FromResult(new SinkPipeline(client, plugin.CreatePipeline(options, client, Some.Context())));
        }

        public async ValueTask DisposeAsync()
        {
            await Pipeline.DisposeAsync();
            await _client.DisposeAsync();
        }
    }
}
