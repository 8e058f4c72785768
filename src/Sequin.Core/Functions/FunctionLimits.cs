namespace Sequin.Functions;

/// <summary>The sandbox limits of every call of a user function.</summary>
public sealed record FunctionLimits
{
    /// <summary>The largest accepted source, in bytes of UTF-8: 10 KB, as the original.</summary>
    public const int MaxSourceBytes = 10 * 1024;

    /// <summary>The longest <see cref="Timeout"/> that may be configured: 1 s.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _timeout = TimeSpan.FromMilliseconds(100);
    private readonly int _maxStatements = 100_000;
    private readonly int _maxRecursionDepth = 100;

    /// <summary>The default limits: 100 ms, 100 000 statements, recursion depth 100.</summary>
    public static FunctionLimits Default { get; } = new();

    /// <summary>The wall-clock time one call may take. Default: 100 ms; at most 1 s.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive, or more than 1 s.</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        init => _timeout = value > TimeSpan.Zero && value <= MaxTimeout
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Timeout), value, "The function time limit must be more than 0 and at most 1 s.");
    }

    /// <summary>
    /// The most statements one call may execute. Default: 100 000; at least 1000 (loading the prelude runs a few
    /// hundred statements under the same limit).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1000.</exception>
    public int MaxStatements
    {
        get => _maxStatements;
        init => _maxStatements = value >= 1000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxStatements), value, "The statement limit must be at least 1000.");
    }

    /// <summary>
    /// The deepest call nesting one call may reach. Default: 100; at most 200 (Jint 2 uses about 3.5 KB of the host
    /// thread's stack per JavaScript call level, and a stack overflow would end the process).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not between 1 and 200.</exception>
    public int MaxRecursionDepth
    {
        get => _maxRecursionDepth;
        init => _maxRecursionDepth = value is > 0 and <= 200
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxRecursionDepth), value, "The recursion limit must be between 1 and 200.");
    }
}
