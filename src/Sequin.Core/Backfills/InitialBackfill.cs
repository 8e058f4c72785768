namespace Sequin.Backfills;

/// <summary>
/// A sink's <c>initial_backfill</c>: <c>true</c> (every table of the publication the sink takes, in full) or a list
/// of tables. Created once, the first time a host runs the sink (recorded in <c>sequin_state.initial_backfills</c>).
/// </summary>
/// <param name="AllTables">Backfill every table the sink takes.</param>
/// <param name="Tables">The tables to backfill when <paramref name="AllTables"/> is false.</param>
internal sealed record InitialBackfill(bool AllTables, IReadOnlyList<BackfillRequest> Tables);
