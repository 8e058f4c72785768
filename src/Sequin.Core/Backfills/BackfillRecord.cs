namespace Sequin.Backfills;

/// <summary>One row of <c>sequin_state.backfills</c>: a backfill, its cursor and its progress.</summary>
/// <param name="Id">The backfill id (part of every read message's idempotency key).</param>
/// <param name="Sink">The sink it delivers to.</param>
/// <param name="Request">What it reads.</param>
/// <param name="Status">Its state.</param>
/// <param name="Cursor">The key column values (sort column first for a partial backfill) of the last row of the last delivered page, as text; null before the first.</param>
/// <param name="RowsRead">Rows read in delivered pages.</param>
/// <param name="RowsDelivered">Read messages delivered (rows read minus rows a concurrent change superseded).</param>
/// <param name="RowsEstimated">The table's estimated row count when the backfill started, for the ETA; null when unknown.</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When its progress was last saved.</param>
internal sealed record BackfillRecord(
    Guid Id,
    string Sink,
    BackfillRequest Request,
    BackfillStatus Status,
    IReadOnlyList<string>? Cursor,
    long RowsRead,
    long RowsDelivered,
    long? RowsEstimated,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
