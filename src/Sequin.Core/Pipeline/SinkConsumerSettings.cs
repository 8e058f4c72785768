using Sequin.Messages;

namespace Sequin.Pipeline;

/// <summary>
/// The runtime settings of one sink consumer, as parsed from a <c>sinks:</c> entry of <c>sequin.yaml</c>: which changes
/// it takes, how they are grouped, retried and buffered. The sink-specific <c>destination:</c> lives in the plugin's options.
/// </summary>
public sealed record SinkConsumerSettings
{
    /// <summary>The sink's name, id and annotations (<c>metadata.consumer</c>).</summary>
    public required ConsumerInfo Consumer { get; init; }

    /// <summary>The configured database this sink reads from (<c>database</c>).</summary>
    public required string Database { get; init; }

    /// <summary>Schemas to take (<c>source.include_schemas</c>); empty = all.</summary>
    public IReadOnlyList<string> IncludeSchemas { get; init; } = [];

    /// <summary>Schemas to skip (<c>source.exclude_schemas</c>).</summary>
    public IReadOnlyList<string> ExcludeSchemas { get; init; } = [];

    /// <summary>Tables to take, as <c>schema.table</c> (<c>source.include_tables</c>; a bare name means <c>public</c>); empty = all.</summary>
    public IReadOnlyList<string> IncludeTables { get; init; } = [];

    /// <summary>Tables to skip, as <c>schema.table</c> (<c>source.exclude_tables</c>).</summary>
    public IReadOnlyList<string> ExcludeTables { get; init; } = [];

    /// <summary>Actions to take (<c>actions</c>). Default: insert, update, delete (and read for backfills). Truncate only when listed.</summary>
    public IReadOnlySet<ChangeAction> Actions { get; init; } = new HashSet<ChangeAction> { ChangeAction.Insert, ChangeAction.Update, ChangeAction.Delete, ChangeAction.Read };

    /// <summary>Custom grouping columns per table (<c>tables[].group_column_names</c>), keyed by <c>schema.table</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> GroupColumns { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Whether messages are grouped for ordering (<c>message_grouping</c>). Default: true. False: no group, no per-row order.</summary>
    public bool MessageGrouping { get; init; } = true;

    /// <summary>
    /// After this many failed attempts (processing or delivery) a message is discarded with a logged, counted reason
    /// (<c>max_retry_count</c>, as in the original: discarded once the failure count reaches it; 0 discards after the first
    /// failure). Default: null = retry forever.
    /// </summary>
    public int? MaxRetryCount { get; init; }

    /// <summary>
    /// After this many failed attempts a message, and the later messages of its group, are parked in PostgreSQL
    /// (<c>sequin_state.parked_messages</c>) so the replication slot can advance past them; they are retried from there
    /// with the same backoff (<c>park_after_failures</c>). 0 never parks: failing messages stay in memory and hold the
    /// slot. Default: 5, about 15 s of retries with the default backoff (1 + 2 + 4 + 8 s), so that a short outage of the
    /// sink is ridden out in memory without writing to the source database, while a message that keeps failing holds
    /// the slot (and the database's WAL) for seconds, not forever. Parking needs a parking store; without one
    /// (embedding without a database) this setting has no effect.
    /// </summary>
    public int ParkAfterFailures { get; init; } = 5;

    /// <summary>
    /// How long the record of a discarded message (<c>sequin_state.discarded_messages</c>) is kept
    /// (<c>discarded_retention_days</c>). Default: 7 days.
    /// </summary>
    public TimeSpan DiscardedRetention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How timestamps in record and changes are written (<c>timestamp_format</c>). Default: ISO 8601.</summary>
    public TimestampFormat TimestampFormat { get; init; } = TimestampFormat.Iso8601;

    /// <summary>The consumer's <c>batch_size</c>, overriding the sink's default. Default: null.</summary>
    public int? BatchSize { get; init; }

    /// <summary>The consumer's <c>batch_timeout_ms</c>, overriding the sink's linger. Default: null.</summary>
    public TimeSpan? BatchTimeout { get; init; }

    /// <summary>The most payload bytes buffered for this sink before WAL reading pauses (<c>max_memory_mb</c>). Default: 128 MiB.</summary>
    public long MaxBufferedBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>
    /// The most messages buffered for this sink before WAL reading pauses; null (the default) for
    /// <see cref="DefaultMaxBufferedMessages"/> or four batches of the sink's batch size, whichever is more (see
    /// <see cref="ResolveMaxBufferedMessages"/>). Each buffered message costs several times its
    /// <see cref="ChangeMessage.EstimatedSize"/> on the heap and lives until delivered, so with small rows this cap,
    /// not <see cref="MaxBufferedBytes"/>, is what bounds memory. It is kept small on purpose: when the sink side is
    /// slower than the WAL reader (a routing function, a slow destination) the buffer stays full, and every gen0
    /// garbage collection then promotes the buffered messages to older generations, whose collections cost more than
    /// the buffer saves. Measured with a routing function (bench/RESULTS.md, Run 9): 20 000 buffered messages gave
    /// 12–15 gen2 collections per 200 000 changes and dynamic routing at 0.44–0.49 of static; 2 000 gave none and 0.72.
    /// </summary>
    public int? MaxBufferedMessages { get; init; }

    /// <summary>The message cap of the buffer when <see cref="MaxBufferedMessages"/> is not set, for batches of up to 500 messages.</summary>
    public const int DefaultMaxBufferedMessages = 2_000;

    /// <summary>
    /// The message cap of the buffer: <see cref="MaxBufferedMessages"/> when set, otherwise
    /// <see cref="DefaultMaxBufferedMessages"/> or four batches of <paramref name="batchMessages"/>, whichever is more
    /// (so that batches keep filling while earlier ones are delivered).
    /// </summary>
    /// <param name="batchMessages">The sink's effective batch size (messages per batch).</param>
    /// <returns>The most messages the buffer holds.</returns>
    public int ResolveMaxBufferedMessages(int batchMessages) =>
        MaxBufferedMessages ?? Math.Max(DefaultMaxBufferedMessages, 4 * batchMessages);

    /// <summary>Worker partitions (hash of group id); each has its own router and function engine. Default: processor count.</summary>
    public int Partitions { get; init; } = Environment.ProcessorCount;

    /// <summary>The first retry delay. Default: 1 s; it doubles per attempt.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest retry delay. Default: 10 minutes.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Jitter applied to each retry delay, as a fraction. Default: 0.15 (±15 %).</summary>
    public double RetryJitter { get; init; } = 0.15;

    /// <summary>
    /// How often a running sink checks its parking store for operator retry requests (<c>sequin messages retry</c>),
    /// whose groups it then tries at once instead of at their scheduled time. Default: 2 s.
    /// </summary>
    public TimeSpan RetryRequestPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A value is out of range or the settings contradict each other; the message names the setting.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Consumer, nameof(Consumer));
        ArgumentException.ThrowIfNullOrWhiteSpace(Database, nameof(Database));
        ArgumentNullException.ThrowIfNull(Actions, nameof(Actions));
        ArgumentNullException.ThrowIfNull(GroupColumns, nameof(GroupColumns));
        ArgumentOutOfRangeException.ThrowIfLessThan(Partitions, 1, nameof(Partitions));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBufferedBytes, 1, nameof(MaxBufferedBytes));
        if (MaxBufferedMessages is { } maxMessages)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1, nameof(MaxBufferedMessages));
        }
        if (MaxRetryCount is { } maxRetry)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(maxRetry, nameof(MaxRetryCount));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(ParkAfterFailures, nameof(ParkAfterFailures));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DiscardedRetention, TimeSpan.Zero, nameof(DiscardedRetention));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetryRequestPollInterval, TimeSpan.Zero, nameof(RetryRequestPollInterval));
        if (BatchSize is { } batchSize)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1, nameof(BatchSize));
        }

        if (BatchTimeout is { } batchTimeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(batchTimeout, TimeSpan.Zero, nameof(BatchTimeout));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetryBaseDelay, TimeSpan.Zero, nameof(RetryBaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryMaxDelay, RetryBaseDelay, nameof(RetryMaxDelay));
        if (RetryJitter is < 0 or >= 1 || double.IsNaN(RetryJitter))
        {
            throw new ArgumentOutOfRangeException(nameof(RetryJitter), RetryJitter, "RetryJitter must be in [0, 1).");
        }

        if (!MessageGrouping && GroupColumns.Count > 0)
        {
            throw new ArgumentException("message_grouping=false is incompatible with group columns.", nameof(MessageGrouping));
        }
    }
}
