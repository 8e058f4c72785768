namespace Sequin.Pipeline;

/// <summary>Something a partition's loop reacts to: a new message, a finished batch, a timer tick or a stop request.</summary>
internal readonly record struct PartitionEvent(PendingMessage? Message, DeliveryBatch? Completed, bool Stop)
{
    /// <summary>The timer fired.</summary>
    public static PartitionEvent Tick => default;
}
