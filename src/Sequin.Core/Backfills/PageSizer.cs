namespace Sequin.Backfills;

/// <summary>
/// Adapts a backfill's page size so that each page query stays within a time budget: it doubles after a full page
/// that took less than a quarter of the budget, and shrinks in proportion after one that took longer than the budget,
/// always within [<see cref="Min"/>, <see cref="Max"/>].
/// </summary>
internal sealed class PageSizer
{
    /// <summary>The smallest page.</summary>
    public const int Min = 10;

    private readonly TimeSpan _budget;

    /// <summary>Creates a sizer starting at <paramref name="initial"/> rows, capped at <paramref name="max"/>.</summary>
    public PageSizer(int initial, int max, TimeSpan budget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, Min);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(budget, TimeSpan.Zero);
        Max = max;
        Size = Math.Clamp(initial, Min, max);
        _budget = budget;
    }

    /// <summary>The largest page.</summary>
    public int Max { get; }

    /// <summary>The size of the next page.</summary>
    public int Size { get; private set; }

    /// <summary>Records that a page of <paramref name="size"/> rows asked for returned <paramref name="rows"/> in <paramref name="elapsed"/>.</summary>
    public void Record(int size, int rows, TimeSpan elapsed)
    {
        if (elapsed > _budget)
        {
            var scaled = (int)(size * (_budget / elapsed) * 0.8);
            Size = Math.Clamp(scaled, Min, Max);
        }
        else if (rows >= size && elapsed < _budget / 4)
        {
            Size = (int)Math.Min((long)Max, size * 2L);
        }
    }
}
