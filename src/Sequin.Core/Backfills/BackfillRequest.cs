namespace Sequin.Backfills;

/// <summary>
/// What to backfill for one sink: a table, and for a partial backfill the sort column and the value to start at (as
/// text, cast to the column's type by PostgreSQL). From <c>initial_backfill</c> in the config or from
/// <c>sequin backfill start</c>.
/// </summary>
/// <param name="Table">The table, <c>schema.table</c> or a bare name (schema <c>public</c>).</param>
/// <param name="Kind">Full or partial.</param>
/// <param name="SortColumn">The sort column of a partial backfill; null for a full one.</param>
/// <param name="StartPosition">The first sort column value of a partial backfill, as text; null for a full one.</param>
internal sealed record BackfillRequest(string Table, BackfillKind Kind, string? SortColumn = null, string? StartPosition = null)
{
    /// <summary>The table qualified with <c>public</c> when it has no schema.</summary>
    public string QualifiedTable => Table.Contains('.', StringComparison.Ordinal) ? Table : "public." + Table;

    /// <summary>Checks the request's shape (not the table, which is checked when the backfill starts).</summary>
    /// <exception cref="ArgumentException">A partial backfill without a sort column or start position, or a full one with them.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Table);
        if (Kind == BackfillKind.Partial && (string.IsNullOrWhiteSpace(SortColumn) || StartPosition is null))
        {
            throw new ArgumentException($"A partial backfill of '{Table}' needs sort_column and start_position.");
        }

        if (Kind == BackfillKind.Full && (SortColumn is not null || StartPosition is not null))
        {
            throw new ArgumentException($"A full backfill of '{Table}' takes no sort_column or start_position (use type: partial).");
        }
    }
}
