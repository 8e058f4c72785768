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
    /// The most messages buffered for this sink before WAL reading pauses. Default: 20 000. Each buffered message
    /// costs several times its <see cref="ChangeMessage.EstimatedSize"/> on the heap and survives garbage collections
    /// until delivered, so with small rows this cap, not <see cref="MaxBufferedBytes"/>, is what bounds memory: at
    /// 100 000 a 1M-change burst peaked at 400–640 MB RSS, at 20 000 at 150–240 MB with the same throughput
    /// (bench/RESULTS.md).
    /// </summary>
    public int MaxBufferedMessages { get; init; } = 20_000;

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
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBufferedMessages, 1, nameof(MaxBufferedMessages));
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
