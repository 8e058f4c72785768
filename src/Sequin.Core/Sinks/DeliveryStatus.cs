namespace Sequin.Sinks;

/// <summary>What happened to one message of a batch.</summary>
public enum DeliveryStatus
{
    /// <summary>The destination accepted it.</summary>
    Delivered,

    /// <summary>It failed and may succeed later (outage, throttling, timeout). Retried with backoff.</summary>
    Retryable,

    /// <summary>
    /// It failed for a reason retrying alone will not fix (too large, rejected by the destination). Counted as permanent,
    /// still retried with backoff (so a fix on the destination side lets it through), and discarded with a logged reason
    /// once the sink's <c>max_retry_count</c> is reached.
    /// </summary>
    Permanent,
}
