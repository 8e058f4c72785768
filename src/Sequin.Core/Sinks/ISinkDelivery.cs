namespace Sequin.Sinks;

/// <summary>
/// Delivers batches to one destination: the one thing a sink must write (created by <see cref="Sink{TOptions}.CreateDelivery"/>).
/// Core batches, routes, retries, enforces <see cref="SinkLimits"/>, logs failures and disposes it.
/// </summary>
public interface ISinkDelivery : IAsyncDisposable
{
    /// <summary>
    /// Delivers a batch and says what became of each message, in order: <see cref="DeliveryOutcome.Delivered"/>, or
    /// <see cref="DeliveryOutcome.Retry"/>/<see cref="DeliveryOutcome.Permanent"/> with the destination's own error.
    /// Throwing fails the whole batch as retryable with the exception's message.
    /// </summary>
    /// <param name="batch">The messages, routed and sharing the <see cref="SinkLimits.BatchBy"/> keys.</param>
    /// <param name="cancellationToken">Cancelled when the host stops without waiting.</param>
    /// <returns>One outcome per message of <paramref name="batch"/>.</returns>
    ValueTask<IReadOnlyList<DeliveryOutcome>> DeliverAsync(SinkBatch batch, CancellationToken cancellationToken);

    /// <summary>Checks that the configured destination is reachable and writable (<c>sequin test-connection</c>, static routing).</summary>
    Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Checks the credentials without a particular resource (dynamic routing). Default: <see cref="TestConnectionAsync"/>.</summary>
    Task<ConnectionTestResult> TestCredentialsAsync(CancellationToken cancellationToken) => TestConnectionAsync(cancellationToken);
}
