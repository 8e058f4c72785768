namespace Sequin.Functions;

/// <summary>The sandbox limits of every call of a user function.</summary>
internal sealed record FunctionLimits
{
    /// <summary>The largest accepted source, in bytes of UTF-8: 10 KB, as the original.</summary>
    public const int MaxSourceBytes = 10 * 1024;

    /// <summary>The longest <see cref="Timeout"/> that may be configured: 1 s.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _timeout = TimeSpan.FromMilliseconds(100);
    private readonly int _maxStatements = 100_000;
    private readonly int _maxRecursionDepth = 100;
    private readonly long _maxAllocatedBytes = 32L * 1024 * 1024;
    private readonly TimeSpan _wallClockTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The longest <see cref="WallClockTimeout"/> that may be configured: 60 s.</summary>
    public static readonly TimeSpan MaxWallClockTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The wall-clock time a function's engine may take to load (its top level run once), whatever
    /// <see cref="WallClockTimeout"/> is: loading compiles much of the engine's code on first use, which on a loaded
    /// machine takes far longer than a call.
    /// </summary>
    public static readonly TimeSpan LoadWallClockTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The longest array a function may create: 1,000,000 elements.</summary>
    public const uint MaxArrayLength = 1_000_000;

    /// <summary>The largest <see cref="MaxAllocatedBytes"/> that may be configured: 64 MB.</summary>
    public const long MaxMemoryLimit = 64L * 1024 * 1024;

    /// <summary>The default limits: 100 ms of CPU time, 100 000 statements, recursion depth 100, 32 MB allocated.</summary>
    public static FunctionLimits Default { get; } = new();

    /// <summary>
    /// The CPU time one call may use (its own thread's, so a call that waits for a core on a loaded machine does not
    /// time out); also the time limit of each regular expression match. Default: 100 ms; at most 1 s.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive, or more than 1 s.</exception>
    public TimeSpan Timeout
    {
        get => _timeout;
        init => _timeout = value > TimeSpan.Zero && value <= MaxTimeout
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Timeout), value, "The function time limit must be more than 0 and at most 1 s.");
    }

    /// <summary>
    /// The watchdog's limit: the wall-clock time one call handed to a function thread may take before it is abandoned
    /// (its engine discarded, its thread interrupted and left to exit). It catches what the CPU limit cannot: a call
    /// blocked without using CPU, or stuck inside a built-in, where Jint checks no limit. Generous, so that a call
    /// that only waits for a core on a loaded machine is not abandoned. Default: 5 s; at most 60 s.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive, or more than 60 s.</exception>
    public TimeSpan WallClockTimeout
    {
        get => _wallClockTimeout;
        init => _wallClockTimeout = value > TimeSpan.Zero && value <= MaxWallClockTimeout
            ? value
            : throw new ArgumentOutOfRangeException(nameof(WallClockTimeout), value, "The function wall-clock limit must be more than 0 and at most 60 s.");
    }

    /// <summary>
    /// The most statements one call may execute. Default: 100 000; at least 1000.
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
    /// The deepest call nesting one call may reach. Default: 100; at most 200.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not between 1 and 200.</exception>
    public int MaxRecursionDepth
    {
        get => _maxRecursionDepth;
        init => _maxRecursionDepth = value is > 0 and <= 200
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxRecursionDepth), value, "The recursion limit must be between 1 and 200.");
    }

    /// <summary>
    /// The most managed memory one call may allocate (all its allocations, collected or not). Default: 32 MB; between
    /// 1 MB and 64 MB. It also bounds how deep a structure a call can build, which keeps any recursion over it within
    /// the function thread's stack.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1 MB or more than 64 MB.</exception>
    public long MaxAllocatedBytes
    {
        get => _maxAllocatedBytes;
        init => _maxAllocatedBytes = value is >= 1024 * 1024 and <= MaxMemoryLimit
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxAllocatedBytes), value, "The memory limit must be between 1 MB and 64 MB.");
    }
}
