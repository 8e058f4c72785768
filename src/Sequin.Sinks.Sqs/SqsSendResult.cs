namespace Sequin.Sinks.Sqs;

/// <summary>The result of one payload of <see cref="ISqsClient.SendBatchAsync"/>.</summary>
/// <param name="Error">Why it was refused, or null when it was delivered.</param>
/// <param name="IsRetryable">Whether a refused payload may succeed when sent again (throttling, a transient error).</param>
internal readonly record struct SqsSendResult(string? Error = null, bool IsRetryable = true)
{
    /// <summary>Delivered.</summary>
    public static SqsSendResult Delivered => default;

    /// <summary>Refused, worth retrying.</summary>
    /// <param name="error">The destination's reason.</param>
    public static SqsSendResult Retry(string error) => new(error, IsRetryable: true);

    /// <summary>Refused for good (a malformed or oversized message, say).</summary>
    /// <param name="error">The destination's reason.</param>
    public static SqsSendResult Permanent(string error) => new(error, IsRetryable: false);
}
