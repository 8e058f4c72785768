using Sequin.Sinks;

namespace Sequin.Pipeline;

/// <summary>
/// Hands a consumer's batches to the sink's pipeline away from the partition loops, at most
/// <see cref="BatchingOptions.MaxConcurrentBatches"/> at once. What became of a batch (its result, the sink's exception,
/// or abandonment when a stop is forced) goes back to its partition as an event; the partition settles it.
/// </summary>
internal sealed class BatchDelivery : IDisposable
{
    private readonly ISinkPipeline _pipeline;
    private readonly SinkConsumerCounters _counters;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _cts = new();
    private readonly PauseGate _pause = new();

    /// <summary>Creates the delivery of one consumer.</summary>
    /// <param name="pipeline">The sink's pipeline.</param>
    /// <param name="maxConcurrentBatches">Batches delivered at once.</param>
    /// <param name="counters">Where each returned batch is measured.</param>
    /// <param name="time">The clock that times deliveries.</param>
    public BatchDelivery(ISinkPipeline pipeline, int maxConcurrentBatches, SinkConsumerCounters counters, TimeProvider time)
    {
        _pipeline = pipeline;
        _counters = counters;
        _time = time;
        _slots = new SemaphoreSlim(maxConcurrentBatches, maxConcurrentBatches);
    }

    /// <summary>Cancelled when a stop is forced: deliveries and parking-store operations are abandoned.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The consumer's pause switch: while paused, batches wait here before their delivery.</summary>
    public PauseGate Pause => _pause;

    /// <summary>Delivers a batch in the background; its partition gets the outcome as an event.</summary>
    public void Deliver(ConsumerPartition partition, DeliveryBatch batch) =>
        _ = Task.Run(() => DeliverAsync(partition, batch), CancellationToken.None);

    /// <summary>Abandons the deliveries in flight (a forced stop).</summary>
    public Task CancelAsync() => _cts.CancelAsync();

    /// <inheritdoc />
    public void Dispose()
    {
        _cts.Dispose();
        _slots.Dispose();
    }

    private async Task DeliverAsync(ConsumerPartition partition, DeliveryBatch batch)
    {
        var token = _cts.Token;
        try
        {
            await _slots.WaitAsync(token).ConfigureAwait(false);
            try
            {
                await _pause.WaitAsync(token).ConfigureAwait(false);
                var messages = new RoutedMessage[batch.Entries.Count];
                for (var i = 0; i < messages.Length; i++)
                {
                    messages[i] = batch.Entries[i].Routed!;
                }

                var started = _time.GetTimestamp();
                batch.Result = await _pipeline.DeliverAsync(new SinkBatch(batch.Key, messages), token).ConfigureAwait(false);
                _counters.OnBatchReturned(messages.Length, _time.GetElapsedTime(started));
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            batch.Abandoned = true;
        }
#pragma warning disable CA1031 // The sink's exception fails the batch as retryable; it is logged by the partition.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            batch.Exception = ex;
        }

        partition.Post(new PartitionEvent(null, batch, Stop: false));
    }
}
