namespace Sequin.Sinks;

/// <summary>The outcome of delivering one message.</summary>
/// <param name="Status">Delivered, retryable or permanent.</param>
/// <param name="Error">For failures, the reason with the destination's own text; never a secret.</param>
/// <param name="RetryAfter">For failures, a delay the destination asked for (throttling), or null for the normal backoff.</param>
public readonly record struct DeliveryOutcome(DeliveryStatus Status, string? Error = null, TimeSpan? RetryAfter = null)
{
    /// <summary>Delivered.</summary>
    public static DeliveryOutcome Delivered => default;

    /// <summary>A failure worth retrying.</summary>
    public static DeliveryOutcome Retry(string error, TimeSpan? retryAfter = null) => new(DeliveryStatus.Retryable, error, retryAfter);

    /// <summary>A failure retrying alone will not fix.</summary>
    public static DeliveryOutcome Permanent(string error) => new(DeliveryStatus.Permanent, error);

    /// <summary>The message can never be delivered as it is: parked for an operator, not retried automatically (<see cref="DeliveryStatus.Rejected"/>).</summary>
    public static DeliveryOutcome Reject(string error) => new(DeliveryStatus.Rejected, error);

    /// <summary>Whether the message was delivered.</summary>
    public bool IsDelivered => Status == DeliveryStatus.Delivered;
}
