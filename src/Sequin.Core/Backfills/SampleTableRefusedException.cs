namespace Sequin.Backfills;

/// <summary>
/// A sample row was asked of a table no configured sink reads (<see cref="LatestRowReader"/>): outside the database's
/// publication, in a system or Sequin schema, or left out by every sink's <c>source</c>. The message does not tell
/// whether the table exists.
/// </summary>
internal sealed class SampleTableRefusedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SampleTableRefusedException(string message)
        : base(message)
    {
    }
}
