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

    /// <summary>
    /// It can never be delivered as it is (larger than the destination accepts, say): not retried automatically. With
    /// parking (the default) it and the later messages of its group are parked at once, for an operator to retry after a
    /// fix (<c>sequin messages retry</c>) or discard; without parking it is retried at the longest backoff. Counted as permanent.
    /// </summary>
    Rejected,
}
