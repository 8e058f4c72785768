using Jint;

namespace Sequin.Functions.Engines;

/// <summary>
/// A Jint constraint that stops a call once its thread has used more CPU time than the limit since the call began.
/// Jint checks it every few statements (it is amortizable); a built-in that runs long without statements is bounded
/// by the other limits (regular expression time-out, memory, array size, the JSON depth).
/// </summary>
internal sealed class CpuTimeConstraint : Constraint
{
    private readonly long _limitNanoseconds;
    private long _start;

    public CpuTimeConstraint(TimeSpan limit)
    {
        _limitNanoseconds = (long)(limit.TotalMilliseconds * 1_000_000);
    }

    /// <summary>The CPU time used since the last <see cref="Reset"/>.</summary>
    public TimeSpan Used => TimeSpan.FromTicks((ThreadCpuTime.Now() - _start) / 100);

    /// <inheritdoc />
    public override bool IsAmortizable => true;

    /// <inheritdoc />
    public override void Check()
    {
        if (ThreadCpuTime.Now() - _start > _limitNanoseconds)
        {
            throw new FunctionTimeoutException();
        }
    }

    /// <inheritdoc />
    public override void Reset() => _start = ThreadCpuTime.Now();
}

/// <summary>Thrown by <see cref="CpuTimeConstraint"/>; JavaScript cannot catch it.</summary>
internal sealed class FunctionTimeoutException : TimeoutException
{
    public FunctionTimeoutException()
        : base("The function used more CPU time than its limit.")
    {
    }

    public FunctionTimeoutException(string message)
        : base(message)
    {
    }

    public FunctionTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
