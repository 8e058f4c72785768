namespace Sequin.Sinks;

/// <summary>A batch of messages that share a batch key, in commit order. At most one message per group.</summary>
/// <param name="BatchKey">The key from <see cref="ISinkPipeline.GetBatchKey"/>, shared by every message.</param>
/// <param name="Messages">The messages, in commit order.</param>
public sealed record SinkBatch(string BatchKey, IReadOnlyList<RoutedMessage> Messages)
{
    /// <summary>The outcomes of a batch whose every message was delivered: what <see cref="ISinkDelivery.DeliverAsync"/> returns on success.</summary>
    public IReadOnlyList<DeliveryOutcome> AllDelivered() => new Sdk.AllDeliveredOutcomes(Messages.Count);

    /// <summary>The same outcome for every message: what a delivery returns when the whole call failed.</summary>
    /// <param name="outcome">The outcome, e.g. <see cref="DeliveryOutcome.Retry"/> with the destination's error.</param>
    /// <returns>One <paramref name="outcome"/> per message.</returns>
    public IReadOnlyList<DeliveryOutcome> All(DeliveryOutcome outcome)
    {
        var outcomes = new DeliveryOutcome[Messages.Count];
        Array.Fill(outcomes, outcome);
        return outcomes;
    }
}
