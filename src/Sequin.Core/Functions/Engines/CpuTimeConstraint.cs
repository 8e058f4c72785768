using Jint;

namespace Sequin.Functions.Engines;

/// <summary>
/// A Jint constraint that stops a call once its thread has used more CPU time than the limit since the call began.
/// Jint checks it every few statements (it is amortizable); a built-in that runs long without statements is bounded
/// by the other limits (regular expression time-out, memory, array size, the JSON depth).
/// </summary>
/// <remarks>
/// Reading a thread's CPU time is a system call (~0.1–0.7 µs), and Jint resets constraints on the way into and out of
/// every call: the clock is therefore read at the first check of a call, not at the reset. A short call never reads it;
/// a long one starts counting a few statements late, which the limit's scale (milliseconds) does not notice.
/// </remarks>
internal sealed class CpuTimeConstraint : Constraint
{
    private readonly long _limitNanoseconds;
    private long _start = -1;

    public CpuTimeConstraint(TimeSpan limit)
    {
        _limitNanoseconds = (long)(limit.TotalMilliseconds * 1_000_000);
    }

    /// <summary>The engine it belongs to (set once created): where the call was stopped is read from its stack.</summary>
    public Engine? Engine { get; set; }

    /// <inheritdoc />
    public override bool IsAmortizable => true;

    /// <inheritdoc />
    public override void Check()
    {
        var now = ThreadCpuTime.Now();
        if (_start < 0)
        {
            _start = now;
        }
        else if (now - _start > _limitNanoseconds)
        {
            throw new FunctionTimeoutException { Location = JintStackLocation.Top(Engine) };
        }
    }

    /// <inheritdoc />
    public override void Reset() => _start = -1;
}

/// <summary>Thrown by <see cref="CpuTimeConstraint"/>; JavaScript cannot catch it.</summary>
internal sealed class FunctionTimeoutException : TimeoutException
{
    /// <summary>Where the call was when it was stopped, when known.</summary>
    public JintStackLocation? Location { get; init; }

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
