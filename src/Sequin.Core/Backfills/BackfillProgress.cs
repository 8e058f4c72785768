namespace Sequin.Backfills;

/// <summary>A backfill's progress: rows read and delivered, the rate since this run started, and the time left.</summary>
/// <param name="RowsRead">Rows read (all pages, delivered or not).</param>
/// <param name="RowsDelivered">Read messages delivered.</param>
/// <param name="RowsEstimated">The table's estimated rows, or null.</param>
/// <param name="RowsPerSecond">Rows read per second in this run.</param>
internal readonly record struct BackfillProgress(long RowsRead, long RowsDelivered, long? RowsEstimated, double RowsPerSecond)
{
    /// <summary>The estimated time left, or null when the rate or the total is unknown.</summary>
    public TimeSpan? Remaining => RowsEstimated is { } total && RowsPerSecond > 0
        ? TimeSpan.FromSeconds(Math.Max(0, total - RowsRead) / RowsPerSecond)
        : null;

    /// <summary>The fraction read, 0 to 1, or null when the total is unknown.</summary>
    public double? Fraction => RowsEstimated is > 0 and { } total ? Math.Min(1.0, (double)RowsRead / total) : null;
}
