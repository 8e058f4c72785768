namespace Sequin.Sinks.Redis.Internal;

/// <summary>A Redis call that failed as a whole (connecting, a lost connection); the message never holds the password.</summary>
internal sealed class RedisSinkException : Exception
{
    /// <summary>Creates a retryable failure.</summary>
    public RedisSinkException()
        : this("The Redis call failed.", isRetryable: true)
    {
    }

    /// <summary>Creates a retryable failure.</summary>
    public RedisSinkException(string message)
        : this(message, isRetryable: true)
    {
    }

    /// <summary>Creates a retryable failure with its cause.</summary>
    public RedisSinkException(string message, Exception innerException)
        : this(message, isRetryable: true, innerException)
    {
    }

    /// <summary>Creates a failure.</summary>
    public RedisSinkException(string message, bool isRetryable, Exception? innerException = null)
        : base(message, innerException) => IsRetryable = isRetryable;

    /// <summary>Whether sending again may succeed.</summary>
    public bool IsRetryable { get; }
}
