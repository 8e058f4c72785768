namespace Sequin.Backfills;

/// <summary>How backfills read and pace themselves. The defaults suit most tables; tests shorten the intervals.</summary>
internal sealed class BackfillOptions
{
    /// <summary>Rows in the first page.</summary>
    public int InitialPageSize { get; set; } = 1000;

    /// <summary>
    /// The most rows in one page (the original's cap is 40,000). Small, because a page's rows live from their read until
    /// their watermark: with 20,000-row pages they outlived gen0 and gen1 and were promoted to gen2 (~25 % more CPU per
    /// row in the backfill benchmark, twice the memory).
    /// </summary>
    public int MaxPageSize { get; set; } = 2_000;

    /// <summary>The time one page query should stay within; the page size adapts to it.</summary>
    public TimeSpan PageTimeBudget { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Pages read and not yet delivered, per backfill. Together with <see cref="MaxPageSize"/> it bounds the rows a
    /// backfill holds in memory; the sink's buffer bounds the rest (emitting reads waits while it is full).
    /// </summary>
    public int MaxPagesInFlight { get; set; } = 3;

    /// <summary>How often a host looks for backfills started or cancelled from the CLI.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often progress (rows read, delivered, rate, ETA) is logged while a backfill runs.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before a backfill that failed with a transient error (a lost connection) resumes from its cursor.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPageSize, PageSizer.Min);
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialPageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPagesInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PageTimeBudget, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ProgressInterval, TimeSpan.Zero);
    }
}
