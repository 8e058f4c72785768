namespace Sequin.Pipeline;

/// <summary>
/// Something a partition's loop reacts to: a new message, a finished batch, a timer tick, a stop request, or the
/// continuation of a parking-store operation (<paramref name="Run"/>, run on the loop).
/// </summary>
internal readonly record struct PartitionEvent(PendingMessage? Message, DeliveryBatch? Completed, bool Stop, Action? Run = null)
{
    /// <summary>The timer fired.</summary>
    public static PartitionEvent Tick => default;
}
