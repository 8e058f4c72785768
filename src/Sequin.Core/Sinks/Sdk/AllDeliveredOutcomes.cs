using System.Collections;

namespace Sequin.Sinks.Sdk;

/// <summary>The outcomes of a batch delivered whole (<see cref="SinkBatch.AllDelivered"/>): no array per batch.</summary>
internal sealed class AllDeliveredOutcomes(int count) : IReadOnlyList<DeliveryOutcome>
{
    public int Count { get; } = count;

    public DeliveryOutcome this[int index] =>
        (uint)index < (uint)Count ? DeliveryOutcome.Delivered : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<DeliveryOutcome> GetEnumerator() => Enumerable.Repeat(DeliveryOutcome.Delivered, Count).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
