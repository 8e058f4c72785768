using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Sequin.Messages;
using Sequin.Sinks.Kafka.Internal;

namespace Sequin.Sinks.Kafka;

/// <summary>
/// Delivers batches to Kafka. The batch key is the topic; partitions come from librdkafka's murmur2 hash of the message
/// key, so a key always lands on the same partition. A batch is produced without waiting per message, and completes
/// when every delivery report is in, with one outcome per message.
/// </summary>
internal sealed class KafkaDelivery : ISinkDelivery
{
    private static readonly TimeSpan QueueFullFirstWait = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan QueueFullMaxWait = TimeSpan.FromMilliseconds(200);

    private readonly KafkaSinkOptions _options;
    private readonly IKafkaMessageProducer _producer;
    private readonly KafkaSinkClient? _client;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly string _sinkName;

    /// <summary>Creates the delivery of one sink over its client, which it disposes.</summary>
    public KafkaDelivery(KafkaSinkOptions options, KafkaSinkClient client, SinkContext context)
        : this(options, (IKafkaMessageProducer)client, context) => _client = client;

    /// <summary>Creates the delivery over any producer (tests); the producer is not disposed.</summary>
    public KafkaDelivery(KafkaSinkOptions options, IKafkaMessageProducer producer, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(context);
        _options = options;
        _producer = producer;
        _logger = context.LoggerFactory.CreateLogger<KafkaDelivery>();
        _timeProvider = context.TimeProvider;
        _sinkName = context.Consumer.Name;
    }

    /// <inheritdoc />
    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken) =>
        _client?.TestConnectionAsync(cancellationToken) ?? Task.FromResult(ConnectionTestResult.Failed("No Kafka client."));

    /// <inheritdoc />
    public Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken) =>
        _client?.TestCredentialsAsync(cancellationToken) ?? Task.FromResult(ConnectionTestResult.Failed("No Kafka client."));

    /// <summary>Flushes and closes the producer (its client).</summary>
    public ValueTask DisposeAsync() => _client?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>
    /// Produces every message of the batch (and a tombstone after each delete when <c>tombstones</c> is on) and waits
    /// for all delivery reports. Oversized messages fail permanently without being sent; delivery errors become
    /// retryable or permanent outcomes carrying librdkafka's reason. A full local queue is waited out, not failed.
    /// </summary>
    public async ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var messages = batch.Messages;
        var tracker = new BatchTracker(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var routed = messages[i];
            var topic = routed.Route.GetRequired(KafkaSink.TopicKey);
            var record = KafkaMessageBuilder.Build(routed);
            var size = KafkaMessageBuilder.SizeOf(record);
            if (size > _options.MaxMessageBytes)
            {
                tracker.Fail(i, DeliveryOutcome.Reject(
                    $"Message of {size} bytes (key + value + headers) for topic '{topic}' exceeds max_message_bytes ({_options.MaxMessageBytes}); " +
                    "it was not sent. Raise max_message_bytes together with the topic's max.message.bytes, or shrink the payload with a transform."));
                continue;
            }

            var tombstone = _options.Tombstones && routed.Message.Action == ChangeAction.Delete && record.Key is not null;
            tracker.Expect(tombstone ? 2 : 1);
            await ProduceAsync(tracker, i, topic, record, cancellationToken).ConfigureAwait(false);
            if (tombstone)
            {
                await ProduceAsync(tracker, i, topic, KafkaMessageBuilder.Tombstone(record), cancellationToken).ConfigureAwait(false);
            }
        }

        await tracker.WhenAllReportedAsync(cancellationToken).ConfigureAwait(false);
        return tracker.ToResult();
    }

    private async ValueTask ProduceAsync(BatchTracker tracker, int index, string topic, Message<byte[]?, byte[]?> record, CancellationToken cancellationToken)
    {
        var wait = QueueFullFirstWait;
        while (true)
        {
            try
            {
                _producer.Produce(topic, record, report =>
                    tracker.Report(index, report.Error.IsError ? KafkaErrorClassifier.Classify(report.Error, topic) : DeliveryOutcome.Delivered));
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The producer's queue is full of this and other batches' messages: wait for it to drain, then retry.
                KafkaSinkLog.LocalQueueFull(_logger, _sinkName, topic);
                await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
                wait = wait * 2 > QueueFullMaxWait ? QueueFullMaxWait : wait * 2;
            }
            catch (ProduceException<byte[]?, byte[]?> ex)
            {
                // Refused before it was queued (too large for librdkafka, unknown partition, ...): no report follows.
                tracker.Report(index, KafkaErrorClassifier.Classify(ex.Error, topic));
                return;
            }
        }
    }

    /// <summary>Collects the outcomes of one batch as delivery reports arrive on librdkafka's thread.</summary>
    private sealed class BatchTracker
    {
        private readonly DeliveryOutcome[] _outcomes;
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();

        // Starts at 1 for the producing loop itself, so the batch cannot complete before every message was handed over.
        private int _pending = 1;

        public BatchTracker(int count) => _outcomes = new DeliveryOutcome[count];

        public void Expect(int reports) => Interlocked.Add(ref _pending, reports);

        public void Fail(int index, DeliveryOutcome outcome)
        {
            lock (_gate)
            {
                _outcomes[index] = outcome;
            }
        }

        public void Report(int index, DeliveryOutcome outcome)
        {
            if (!outcome.IsDelivered)
            {
                lock (_gate)
                {
                    // A message and its tombstone share an outcome: the first failure wins.
                    if (_outcomes[index].IsDelivered)
                    {
                        _outcomes[index] = outcome;
                    }

                    }
            }

            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.TrySetResult();
            }
        }

        public Task WhenAllReportedAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _done.TrySetResult();
            }

            return _done.Task.WaitAsync(cancellationToken);
        }

        public DeliveryOutcome[] ToResult()
        {
            lock (_gate)
            {
                return _outcomes;
            }
        }
    }
}
