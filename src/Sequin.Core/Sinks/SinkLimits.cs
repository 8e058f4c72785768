namespace Sequin.Sinks;

/// <summary>
/// What a sink's destination accepts, enforced by Core so that no sink re-checks it: a <c>batch_size</c> above
/// <see cref="MaxBatchMessages"/> is a configuration error naming the limit; a message whose payload exceeds
/// <see cref="MaxMessageBytes"/> fails permanently (not retried) without reaching the sink; a batch never mixes
/// messages whose <see cref="BatchBy"/> route keys differ.
/// </summary>
public sealed record SinkLimits
{
    /// <summary>Limits of a sink that declares none: batches of up to 1,000 messages (100 by default), 1 MiB, 16 at once.</summary>
    public static SinkLimits Default { get; } = new();

    /// <summary>The most messages the destination takes in one batch; <c>batch_size</c> above it is refused. Default: 1,000.</summary>
    public int MaxBatchMessages { get; init; } = 1000;

    private readonly int? _defaultBatchMessages;

    /// <summary>
    /// Messages per batch when the sink's <c>batch_size</c> is not set. Default: 100, or <see cref="MaxBatchMessages"/>
    /// when that is smaller.
    /// </summary>
    public int DefaultBatchMessages
    {
        get => _defaultBatchMessages ?? Math.Min(100, MaxBatchMessages);
        init => _defaultBatchMessages = value;
    }

    /// <summary>The most payload bytes in one batch. Default: 1 MiB.</summary>
    public long MaxBatchBytes { get; init; } = 1024 * 1024;

    /// <summary>The largest payload the destination accepts, in bytes; null for no limit. Larger messages fail permanently.</summary>
    public long? MaxMessageBytes { get; init; }

    /// <summary>How long a partial batch waits for more messages when <c>batch_timeout_ms</c> is not set. Default: 5 ms.</summary>
    public TimeSpan DefaultLinger { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Batches delivered at once. Default: 16; 1 for a destination that must see batches in order.</summary>
    public int MaxConcurrentBatches { get; init; } = 16;

    /// <summary>Route keys every message of a batch shares (e.g. the topic). Default: none (any messages batch together).</summary>
    public IReadOnlyList<string> BatchBy { get; init; } = [];

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchMessages, 1, nameof(MaxBatchMessages));
        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultBatchMessages, 1, nameof(DefaultBatchMessages));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DefaultBatchMessages, MaxBatchMessages, nameof(DefaultBatchMessages));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchBytes, 1, nameof(MaxBatchBytes));
        if (MaxMessageBytes is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(MaxMessageBytes));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultLinger, TimeSpan.Zero, nameof(DefaultLinger));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentBatches, 1, nameof(MaxConcurrentBatches));
        ArgumentNullException.ThrowIfNull(BatchBy, nameof(BatchBy));
    }
}
