using Jint;

namespace Sequin.Functions.Engines;

/// <summary>
/// The statement limit (<see cref="FunctionLimits.MaxStatements"/>), counted as Jint's own <c>MaxStatements</c> counts
/// (one check per statement), but its exception says where the call was stopped, which Jint's does not.
/// </summary>
internal sealed class StatementLimitConstraint : Constraint
{
    private readonly long _max;
    private long _count;

    public StatementLimitConstraint(int max)
    {
        _max = max;
    }

    /// <summary>The engine it belongs to (set once created): where the call was stopped is read from its stack.</summary>
    public Engine? Engine { get; set; }

    /// <inheritdoc />
    public override void Check()
    {
        if (++_count > _max)
        {
            throw new StatementLimitExceededException { Location = JintStackLocation.Top(Engine) };
        }
    }

    /// <inheritdoc />
    public override void Reset() => _count = 0;
}

/// <summary>Thrown by <see cref="StatementLimitConstraint"/>; JavaScript cannot catch it.</summary>
internal sealed class StatementLimitExceededException : Exception
{
    public StatementLimitExceededException()
        : base("The function executed more statements than its limit.")
    {
    }

    public StatementLimitExceededException(string message)
        : base(message)
    {
    }

    public StatementLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Where the call was when it was stopped, when known.</summary>
    public JintStackLocation? Location { get; init; }
}
