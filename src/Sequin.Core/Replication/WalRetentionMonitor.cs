namespace Sequin.Replication;

/// <summary>
/// Watches how much WAL PostgreSQL keeps for a slot because of Sequin: the bytes received but not yet acknowledged and
/// the age of the oldest change not yet delivered. When either crosses its threshold it says so (at most once per
/// <see cref="RepeatInterval"/> while it stays above), and once more when both are back under, so that a failing
/// message or a stalled sink shows up in the log long before the database's disk fills.
/// </summary>
internal sealed class WalRetentionMonitor
{
    private readonly long _lagThresholdBytes;
    private readonly TimeSpan _ageThreshold;
    private DateTimeOffset? _lastWarned;

    /// <summary>Creates a monitor; a threshold of zero (or less) turns that check off.</summary>
    public WalRetentionMonitor(long lagThresholdBytes, TimeSpan ageThreshold)
    {
        _lagThresholdBytes = lagThresholdBytes;
        _ageThreshold = ageThreshold;
    }

    /// <summary>How often a warning repeats while a threshold stays crossed: 5 minutes.</summary>
    public static TimeSpan RepeatInterval { get; } = TimeSpan.FromMinutes(5);

    /// <summary>What to say now, given the current lag and the commit time of the oldest undelivered change (null: none).</summary>
    public WalRetentionState Check(DateTimeOffset now, long lagBytes, DateTimeOffset? oldestUndeliveredCommit)
    {
        var age = AgeOf(now, oldestUndeliveredCommit);
        var lagCrossed = _lagThresholdBytes > 0 && lagBytes >= _lagThresholdBytes;
        var ageCrossed = _ageThreshold > TimeSpan.Zero && age >= _ageThreshold;
        if (!lagCrossed && !ageCrossed)
        {
            if (_lastWarned is null)
            {
                return WalRetentionState.Normal;
            }

            _lastWarned = null;
            return WalRetentionState.Recovered;
        }

        if (_lastWarned is { } last && now - last < RepeatInterval)
        {
            return WalRetentionState.Normal;
        }

        _lastWarned = now;
        return WalRetentionState.Warn;
    }

    /// <summary>The age of the oldest undelivered change, as <see cref="Check"/> computes it.</summary>
    public static TimeSpan AgeOf(DateTimeOffset now, DateTimeOffset? oldestUndeliveredCommit) =>
        oldestUndeliveredCommit is { } commit && now > commit ? now - commit : TimeSpan.Zero;
}

/// <summary>What <see cref="WalRetentionMonitor.Check"/> asks the caller to log.</summary>
internal enum WalRetentionState
{
    /// <summary>Nothing to say.</summary>
    Normal,

    /// <summary>A threshold is crossed: warn.</summary>
    Warn,

    /// <summary>Both are back under their thresholds after a warning.</summary>
    Recovered,
}
