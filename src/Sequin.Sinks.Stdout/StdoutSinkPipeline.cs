namespace Sequin.Sinks.Stdout;

/// <summary>Writes each batch's payloads through the client; an I/O or permission error fails the batch as retryable.</summary>
internal sealed class StdoutSinkPipeline : ISinkPipeline
{
    private const string BatchKey = "stdout";
    private readonly StdoutSinkClient _client;

    public StdoutSinkPipeline(StdoutSinkClient client, SinkContext context)
    {
        _client = client;
        Batching = new BatchingOptions
        {
            MaxMessages = context.BatchSize ?? 100,
            Linger = context.BatchTimeout ?? TimeSpan.FromMilliseconds(5),
            MaxConcurrentBatches = 1,
        };
    }

    public BatchingOptions Batching { get; }

    public string GetBatchKey(RoutedMessage message) => BatchKey;

    public async ValueTask<BatchResult> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var payloads = new ReadOnlyMemory<byte>[batch.Messages.Count];
        for (var i = 0; i < payloads.Length; i++)
        {
            payloads[i] = batch.Messages[i].Payload;
        }

        try
        {
            await _client.WriteAsync(payloads, cancellationToken).ConfigureAwait(false);
            return BatchResult.AllDelivered;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return BatchResult.AllFailed(payloads.Length, DeliveryOutcome.Retry($"Write failed: {ex.Message}"));
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
