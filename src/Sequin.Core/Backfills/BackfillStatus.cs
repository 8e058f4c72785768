namespace Sequin.Backfills;

/// <summary>The lifecycle state of a stored backfill (column <c>state</c> of <c>sequin_state.backfills</c>).</summary>
internal enum BackfillStatus
{
    /// <summary>Waiting to run or running: a host picks it up and resumes from its cursor.</summary>
    Active,

    /// <summary>Every page was read and its <c>read</c> messages delivered.</summary>
    Completed,

    /// <summary>Cancelled by an operator; pages already emitted still deliver.</summary>
    Cancelled,

    /// <summary>Stopped by an error that a retry would not fix (the table or sort column is gone, ...).</summary>
    Failed,
}
