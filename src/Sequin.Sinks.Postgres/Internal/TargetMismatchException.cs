namespace Sequin.Sinks.Postgres.Internal;

/// <summary>The target cannot take a source table's rows as it is (table or column missing, another key): permanent until an operator fixes it.</summary>
internal sealed class TargetMismatchException : Exception
{
    public TargetMismatchException(string message)
        : base(message)
    {
    }

    public TargetMismatchException()
    {
    }

    public TargetMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
