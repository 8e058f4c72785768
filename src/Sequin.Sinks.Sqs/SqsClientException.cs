namespace Sequin.Sinks.Sqs;

/// <summary>A call of <see cref="ISqsClient"/> that failed as a whole.</summary>
internal sealed class SqsClientException : Exception
{
    /// <summary>Creates a retryable failure.</summary>
    public SqsClientException()
        : this("The destination's client failed.")
    {
    }

    /// <summary>Creates a retryable failure.</summary>
    /// <param name="message">What failed; never a secret.</param>
    public SqsClientException(string message)
        : this(message, isRetryable: true)
    {
    }

    /// <summary>Creates a retryable failure with its cause.</summary>
    /// <param name="message">What failed; never a secret.</param>
    /// <param name="innerException">The library's exception.</param>
    public SqsClientException(string message, Exception innerException)
        : base(message, innerException)
    {
        IsRetryable = true;
    }

    /// <summary>Creates a failure.</summary>
    /// <param name="message">What failed; never a secret.</param>
    /// <param name="isRetryable">Whether sending again may succeed.</param>
    /// <param name="innerException">The library's exception, if any.</param>
    public SqsClientException(string message, bool isRetryable, Exception? innerException = null)
        : base(message, innerException)
    {
        IsRetryable = isRetryable;
    }

    /// <summary>Whether sending again may succeed (throttling, a network error) rather than never (a refused message).</summary>
    public bool IsRetryable { get; }
}
