namespace Sequin.Sinks;

/// <summary>
/// The outcome of <see cref="ISinkPipeline.DeliverAsync"/>: either every message delivered, or one outcome per
/// message in batch order, so that a partial failure retries only the failed messages.
/// </summary>
public sealed class BatchResult
{
    private readonly DeliveryOutcome[]? _outcomes;

    private BatchResult(DeliveryOutcome[]? outcomes) => _outcomes = outcomes;

    /// <summary>Every message of the batch was delivered.</summary>
    public static BatchResult AllDelivered { get; } = new(null);

    /// <summary>One outcome per message, in the batch's order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="outcomes"/> is null.</exception>
    public static BatchResult PerMessage(DeliveryOutcome[] outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return new BatchResult(outcomes);
    }

    /// <summary>The same failure for every message of a batch of <paramref name="count"/> messages.</summary>
    public static BatchResult AllFailed(int count, DeliveryOutcome failure)
    {
        var outcomes = new DeliveryOutcome[count];
        Array.Fill(outcomes, failure);
        return new BatchResult(outcomes);
    }

    /// <summary>The outcome of the message at <paramref name="index"/>.</summary>
    public DeliveryOutcome this[int index] => _outcomes is null ? DeliveryOutcome.Delivered : _outcomes[index];

    /// <summary>The number of outcomes, or null when every message was delivered.</summary>
    public int? Count => _outcomes?.Length;
}
