namespace Sequin.Backfills;

/// <summary>What a backfill reads: the whole table, or the rows from a start value of a sort column on.</summary>
internal enum BackfillKind
{
    /// <summary>Every row, in primary key order.</summary>
    Full,

    /// <summary>The rows whose sort column is at or past a start value, in (sort column, primary key) order.</summary>
    Partial,
}
