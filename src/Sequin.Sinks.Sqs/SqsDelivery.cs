using Microsoft.Extensions.Logging;
using Sequin.Sinks;
using Sequin.Sinks.Sqs.Internal;

namespace Sequin.Sinks.Sqs;

/// <summary>
/// Delivers batches through <see cref="ISqsClient"/> (the default implementation, <see cref="SqsClient"/>, wraps the AWS
/// SDK; tests pass a fake): one <c>SendMessageBatch</c> per batch, whose per-entry results become one outcome per
/// message. Core batches (at most 10 messages and 256 KiB for one queue: <see cref="SqsSink.GetLimits"/>), rejects
/// larger messages before they get here, retries what is retryable with backoff, parks what is permanent, logs failures
/// and disposes this.
/// </summary>
/// <param name="options">The sink's validated options.</param>
/// <param name="client">The destination's client, disposed with the delivery.</param>
internal sealed partial class SqsDelivery(SqsSinkOptions options, ISqsClient client) : ISinkDelivery
{
    private readonly SqsSinkOptions _options = options;
    private readonly ISqsClient _client = client;

    /// <summary>Creates the delivery of a configured sink over a new <see cref="SqsClient"/>.</summary>
    /// <param name="options">The sink's validated options.</param>
    /// <param name="context">The sink's context (services, logging, clock).</param>
    /// <returns>The delivery; Core disposes it when the sink stops.</returns>
    public static SqsDelivery Create(SqsSinkOptions options, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        SqsSinkLog.ClientCreated(
            context.LoggerFactory.CreateLogger<SqsSink>(),
            options.EffectiveEndpointUrl?.AbsoluteUri ?? "AWS",
            options.EffectiveRegion ?? "per queue",
            options.DescribeCredentials());
        return new SqsDelivery(options, new SqsClient(options));
    }

    /// <summary>Sends the batch through the client and maps its results to one outcome per message.</summary>
    /// <param name="batch">The messages, all for the same queue.</param>
    /// <param name="cancellationToken">Cancelled when the host stops without waiting.</param>
    /// <returns>One outcome per message, in order.</returns>
    public async ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var queueUrl = batch.Messages[0].Route.GetRequired(SqsSink.QueueUrlKey);
        try
        {
            return await _client.SendBatchAsync(queueUrl, batch.Messages, cancellationToken).ConfigureAwait(false);
        }
        catch (SqsClientException ex)
        {
            return batch.All(ex.IsRetryable ? DeliveryOutcome.Retry(ex.Message) : DeliveryOutcome.Permanent(ex.Message));
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
