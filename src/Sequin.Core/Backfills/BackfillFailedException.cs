namespace Sequin.Backfills;

/// <summary>A backfill cannot run and a retry would not help: the table or sort column is missing, the table has no primary key, the sink does not take the table.</summary>
internal sealed class BackfillFailedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public BackfillFailedException(string message)
        : base(message)
    {
    }
}
