using System.Text;
using Microsoft.Extensions.Logging;
using Sequin.Messages;
using Sequin.Sinks.Sns.Internal;

namespace Sequin.Sinks.Sns;

/// <summary>
/// The SNS sink's pipeline: the batch key is the routed topic ARN; a batch (at most 10 messages, 256 KiB) becomes
/// one <c>PublishBatch</c> call whose entries carry the payload as the message and the string attributes
/// <c>action</c> and <c>table</c>. For a FIFO topic (decided from the routed ARN) each entry also gets a
/// <c>MessageGroupId</c> and a <c>MessageDeduplicationId</c>.
/// </summary>
internal sealed class SnsSinkPipeline : ISinkPipeline
{
    private readonly SnsSinkClient _client;
    private readonly SnsMessageGroup _messageGroup;
    private readonly ILogger _logger;

    public SnsSinkPipeline(SnsSinkClient client, SnsSinkOptions options, BatchingOptions batching, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(batching);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _messageGroup = options.MessageGroup;
        Batching = batching;
        _logger = logger;
    }

    public BatchingOptions Batching { get; }

    /// <summary>The batching of an SNS sink: at most 10 messages (fewer with the consumer's <c>batch_size</c>), 256 KiB, linger 1 ms unless <c>batch_timeout_ms</c> says otherwise.</summary>
    public static BatchingOptions BatchingFor(SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new BatchingOptions
        {
            MaxMessages = Math.Clamp(context.BatchSize ?? SnsSinkClient.MaxBatchEntries, 1, SnsSinkClient.MaxBatchEntries),
            MaxBytes = SnsSinkClient.MaxMessageBytes,
            Linger = context.BatchTimeout ?? TimeSpan.FromMilliseconds(1),
            MaxConcurrentBatches = 32,
        };
    }

    public string GetBatchKey(RoutedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Route.GetRequired(SnsRoutedConsumer.TopicArnKey);
    }

    public async ValueTask<BatchResult> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var topicArn = batch.BatchKey;
        var fifo = SnsTopicArn.IsFifo(topicArn);
        var outcomes = new DeliveryOutcome[batch.Messages.Count];
        var entries = new List<SnsPublishEntry>(batch.Messages.Count);
        var positions = new List<int>(batch.Messages.Count);
        for (var i = 0; i < batch.Messages.Count; i++)
        {
            var entry = BuildEntry(batch.Messages[i], fifo, _messageGroup);
            if (entry is null)
            {
                SnsSinkLog.FifoWithoutGroup(_logger, topicArn);
                outcomes[i] = DeliveryOutcome.Permanent(
                    $"Topic {topicArn} is FIFO and needs a MessageGroupId, but this message has no group id (message_grouping is off, " +
                    "or the group columns are all null). Turn message grouping on, or set message_group: table.");
                continue;
            }

            entries.Add(entry);
            positions.Add(i);
        }

        if (entries.Count > 0)
        {
            var sent = await _client.PublishAsync(topicArn, entries, cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < sent.Length; j++)
            {
                outcomes[positions[j]] = sent[j];
            }
        }

        return Array.TrueForAll(outcomes, o => o.IsDelivered) ? BatchResult.AllDelivered : BatchResult.PerMessage(outcomes);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Builds the entry of a message; null for a FIFO topic when the message has no group.</summary>
    internal static SnsPublishEntry? BuildEntry(RoutedMessage message, bool fifo, SnsMessageGroup messageGroup)
    {
        var change = message.Message;
        var attributes = new Dictionary<string, string>(2, StringComparer.Ordinal)
        {
            ["action"] = change.Action.ToWireName(),
            ["table"] = change.Relation.QualifiedName,
        };
        var entry = new SnsPublishEntry(Encoding.UTF8.GetString(message.Payload.Span)) { Attributes = attributes };
        if (!fifo)
        {
            return entry;
        }

        var groupSource = messageGroup == SnsMessageGroup.Table ? change.Relation.QualifiedName : message.GroupId;
        if (string.IsNullOrEmpty(groupSource))
        {
            return null;
        }

        return entry with
        {
            MessageGroupId = SnsFifoIds.MessageGroupId(groupSource),
            MessageDeduplicationId = SnsFifoIds.MessageDeduplicationId(change.IdempotencyKey),
        };
    }
}
