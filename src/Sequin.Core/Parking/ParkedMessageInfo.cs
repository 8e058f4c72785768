namespace Sequin.Parking;

/// <summary>A parked or discarded message as listed by <c>sequin messages list</c> (no row values).</summary>
/// <param name="Id">The row id in its table.</param>
/// <param name="Sink">The sink.</param>
/// <param name="Table">The source table, <c>schema.table</c>.</param>
/// <param name="Action">insert, update, delete, read or truncate.</param>
/// <param name="GroupId">The group id, or null when the message had none.</param>
/// <param name="CommitLsn">The commit LSN of its transaction.</param>
/// <param name="CommitIdx">Its position in the transaction.</param>
/// <param name="FailedAttempts">Failed attempts so far.</param>
/// <param name="Error">The last error (parked) or the reason (discarded).</param>
/// <param name="At">When it is tried next (parked) or when it was discarded.</param>
internal sealed record ParkedMessageInfo(
    long Id,
    string Sink,
    string Table,
    string Action,
    string? GroupId,
    ulong CommitLsn,
    int CommitIdx,
    int FailedAttempts,
    string? Error,
    DateTimeOffset At);
