namespace Sequin.Sinks;

/// <summary>
/// Delivers batches to one sink. Sequin.Core does everything around it (batch cutting, per-group ordering, retries
/// with backoff, acknowledgement); a pipeline only names the batch key of a message and delivers one batch.
/// <see cref="DeliverAsync"/> may be called concurrently for different batches.
/// </summary>
public interface ISinkPipeline : IAsyncDisposable
{
    /// <summary>The batching limits for this sink (already taking the consumer's <c>batch_size</c> into account).</summary>
    BatchingOptions Batching { get; }

    /// <summary>
    /// The batch key of a message: messages with equal keys may share a batch,
    /// e.g. the Kafka topic, the Typesense collection and action, the SNS topic ARN. Must be cheap and pure.
    /// </summary>
    string GetBatchKey(RoutedMessage message);

    /// <summary>
    /// Delivers one batch and reports an outcome per message. Return failures as outcomes with the destination's text;
    /// an exception fails the whole batch as retryable (it is logged, never swallowed).
    /// </summary>
    ValueTask<BatchResult> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken);
}
