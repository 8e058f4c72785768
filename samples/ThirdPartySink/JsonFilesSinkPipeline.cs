using Sequin.Sinks;

namespace Acme.Sequin.JsonFiles;

/// <summary>One batch per file; a failed write is retried (the runtime backs off and keeps the row order).</summary>
internal sealed class JsonFilesSinkPipeline(JsonFilesSinkClient client, SinkContext context) : ISinkPipeline
{
    public BatchingOptions Batching { get; } = new()
    {
        MaxMessages = context.BatchSize ?? 100,
        Linger = context.BatchTimeout ?? TimeSpan.FromMilliseconds(5),
        MaxConcurrentBatches = 1,
    };

    public string GetBatchKey(RoutedMessage message) => message.Route.GetRequired(JsonFilesRoutedConsumer.FileKey);

    public async ValueTask<BatchResult> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        try
        {
            await client.AppendAsync(batch.BatchKey, batch.Messages.Select(m => m.Payload), cancellationToken).ConfigureAwait(false);
            return BatchResult.AllDelivered;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return BatchResult.AllFailed(batch.Messages.Count, DeliveryOutcome.Retry($"Write to {batch.BatchKey} failed: {ex.Message}"));
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
