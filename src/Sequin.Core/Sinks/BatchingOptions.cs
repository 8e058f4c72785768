namespace Sequin.Sinks;

/// <summary>How Sequin.Core cuts batches for a sink. A batch is sent when any limit is reached.</summary>
public sealed record BatchingOptions
{
    /// <summary>The most messages in one batch. Default: 100. Must be at least 1.</summary>
    public int MaxMessages { get; init; } = 100;

    /// <summary>
    /// The most messages per batch the destination accepts: a consumer <c>batch_size</c> above it is refused (the
    /// configuration loader reports it under the key). Default: no limit.
    /// </summary>
    public int MaxMessagesLimit { get; init; } = int.MaxValue;

    /// <summary>The most payload bytes in one batch. Default: 1 MiB. A single larger message is sent alone.</summary>
    public long MaxBytes { get; init; } = 1024 * 1024;

    /// <summary>How long a partial batch waits for more messages. Default: 5 ms.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The most batches of this sink in flight at once, across partitions. Default: 16.</summary>
    public int MaxConcurrentBatches { get; init; } = 16;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxMessages, 1, nameof(MaxMessages));
        if (MaxMessages > MaxMessagesLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessages), MaxMessages, $"batch_size {MaxMessages} is above the destination's limit of {MaxMessagesLimit} messages per batch.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, 1, nameof(MaxBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(Linger, TimeSpan.Zero, nameof(Linger));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentBatches, 1, nameof(MaxConcurrentBatches));
    }
}
