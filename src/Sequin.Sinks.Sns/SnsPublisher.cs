using System.Globalization;
using System.Text;
using Sequin.Messages;
using Sequin.Sinks.Aws;
using Sequin.Sinks.Sns.Internal;

namespace Sequin.Sinks.Sns;

/// <summary>
/// The SNS sink's delivery: a batch (messages for one topic, at most 10) becomes one <c>PublishBatch</c> call whose
/// entries carry the payload as the message and the string attributes <c>action</c> and <c>table</c>. For a FIFO
/// topic (decided from the routed ARN) each entry also gets a <c>MessageGroupId</c> and a <c>MessageDeduplicationId</c>.
/// </summary>
/// <param name="api">The SNS calls; disposed with the delivery when it is <see cref="IDisposable"/>.</param>
/// <param name="options">The sink's options (the configured topic and <c>message_group</c>).</param>
internal sealed class SnsPublisher(ISnsApi api, SnsSinkOptions options) : ISinkDelivery
{
    /// <summary>The SNS calls this delivery makes.</summary>
    public ISnsApi Api => api;

    /// <summary>
    /// Publishes the batch with one <c>PublishBatch</c> call and returns one outcome per message, in order. A message
    /// for a FIFO topic without a group fails as permanent without being sent; a rejected entry fails alone
    /// (retryable when AWS was at fault or throttled, else permanent); a failed call fails its entries (retryable
    /// for throttling, 5xx and transport errors, permanent for e.g. <c>NotFound</c> or <c>AuthorizationError</c>).
    /// </summary>
    public async ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var messages = batch.Messages;
        var outcomes = new DeliveryOutcome[messages.Count];
        if (messages.Count == 0)
        {
            return outcomes;
        }

        var topicArn = messages[0].Route.GetRequired(SnsSink.TopicArnKey);
        var fifo = AwsAddressKind.IsFifo(topicArn);
        var entries = new List<(int Index, SnsPublishEntry Entry)>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var entry = BuildEntry(messages[i], fifo, options.MessageGroup);
            if (entry is null)
            {
                outcomes[i] = DeliveryOutcome.Permanent(
                    $"Topic {topicArn} is FIFO and needs a MessageGroupId, but this message has no group id (message_grouping is off, " +
                    "or the group columns are all null). Turn message grouping on, or set message_group: table.");
                continue;
            }

            entries.Add((i, entry with { Id = i.ToString(CultureInfo.InvariantCulture) }));
        }

        if (entries.Count > 0)
        {
            await PublishBatchAsync(topicArn, entries, outcomes, cancellationToken).ConfigureAwait(false);
        }

        return outcomes;
    }

    /// <inheritdoc />
    /// <remarks>Calls <c>GetTopicAttributes</c> on the configured <c>topic_arn</c> (needs <c>sns:GetTopicAttributes</c>).</remarks>
    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken)
    {
        if (options.TopicArn is not { } arn)
        {
            return ConnectionTestResult.Failed("No topic_arn is configured (routing is dynamic): test the credentials instead.");
        }

        var result = await api.GetTopicAttributesAsync(arn, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess
            ? ConnectionTestResult.Ok($"Topic {arn} is reachable (GetTopicAttributes succeeded{(AwsAddressKind.IsFifo(arn) ? ", FIFO topic" : string.Empty)}).")
            : ConnectionTestResult.Failed($"Topic {arn}: {result.Error}");
    }

    /// <inheritdoc />
    /// <remarks>Calls <c>ListTopics</c> (needs <c>sns:ListTopics</c>): the credentials are valid and authorized, no topic named.</remarks>
    public async Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken)
    {
        var result = await api.ListTopicsAsync(null, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess
            ? ConnectionTestResult.Ok($"Credentials work: ListTopics returned {result.Value.TopicArns.Count} topic(s){(result.Value.NextToken is null ? string.Empty : " on its first page")}.")
            : ConnectionTestResult.Failed(result.Error.ToString());
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        (api as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

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
            MessageGroupId = FifoMessageIds.MessageGroupId(groupSource),
            MessageDeduplicationId = FifoMessageIds.MessageDeduplicationId(change.IdempotencyKey),
        };
    }

    private async Task PublishBatchAsync(string topicArn, List<(int Index, SnsPublishEntry Entry)> entries, DeliveryOutcome[] outcomes, CancellationToken cancellationToken)
    {
        var result = await api.PublishBatchAsync(topicArn, entries.ConvertAll(e => e.Entry), cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            var error = result.Error;
            var text = $"PublishBatch to {topicArn}: {error}";
            var outcome = error.IsRetryable ? DeliveryOutcome.Retry(text, error.RetryAfter) : DeliveryOutcome.Permanent(text);
            foreach (var (index, _) in entries)
            {
                outcomes[index] = outcome;
            }

            return;
        }

        var failed = result.Value.Failed.ToDictionary(f => f.Id, StringComparer.Ordinal);
        var succeeded = result.Value.Successful.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var (index, entry) in entries)
        {
            if (failed.TryGetValue(entry.Id!, out var f))
            {
                var throttled = f.Code is "Throttling" or "ThrottlingException" or "ThrottledException" or "KMSThrottling";
                var text = $"PublishBatch entry rejected by AWS: {f.Message ?? f.Code} (code={f.Code}, sender fault={(f.SenderFault ? "true" : "false")})";
                outcomes[index] = throttled || !f.SenderFault ? DeliveryOutcome.Retry(text, throttled ? TimeSpan.FromSeconds(1) : null) : DeliveryOutcome.Permanent(text);
            }
            else if (!succeeded.Contains(entry.Id!))
            {
                outcomes[index] = DeliveryOutcome.Retry($"PublishBatch response for {topicArn} did not mention entry {entry.Id}; retrying it.");
            }
            else
            {
                outcomes[index] = DeliveryOutcome.Delivered;
            }
        }
    }
}
