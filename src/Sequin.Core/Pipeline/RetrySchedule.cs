namespace Sequin.Pipeline;

/// <summary>
/// The retry delay of a failed message (docs/reference/failures.md), exponential with a cap and jitter:
/// <c>base·2^(n−1)</c> for the n-th failed attempt (n ≤ 1 gives <c>base</c>), capped at <c>max</c> once
/// <c>n ≥ ⌊log2(max/base) + 1⌋</c>, then multiplied by a jitter factor uniform in <c>[1 − jitter, 1 + jitter]</c>
/// so that many messages failing together do not retry in lockstep.
/// </summary>
internal sealed class RetrySchedule
{
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly double _jitter;
    private readonly Func<double> _random;
    private readonly int _capAttempt;

    /// <summary>Creates a schedule.</summary>
    /// <param name="baseDelay">The first delay; must be positive.</param>
    /// <param name="maxDelay">The cap; at least <paramref name="baseDelay"/>.</param>
    /// <param name="jitter">The jitter fraction in [0, 1).</param>
    /// <param name="random">A source of uniform numbers in [0, 1); default <see cref="Random.Shared"/>.</param>
    public RetrySchedule(TimeSpan baseDelay, TimeSpan maxDelay, double jitter, Func<double>? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseDelay, TimeSpan.Zero, nameof(baseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay, nameof(maxDelay));
        if (jitter is < 0 or >= 1 || double.IsNaN(jitter))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "Jitter must be in [0, 1).");
        }

        _baseDelay = baseDelay;
        _maxDelay = maxDelay;
        _jitter = jitter;
        _random = random ?? Random.Shared.NextDouble;
        _capAttempt = (int)Math.Floor(Math.Log2(maxDelay / baseDelay) + 1);
    }

    /// <summary>The delay before retrying after the <paramref name="failedAttempts"/>-th failed attempt.</summary>
    public TimeSpan GetDelay(int failedAttempts)
    {
        var raw = GetUnjitteredDelay(failedAttempts);
        if (_jitter == 0)
        {
            return raw;
        }

        var factor = 1 - _jitter + (2 * _jitter * _random());
        return TimeSpan.FromTicks((long)(raw.Ticks * factor));
    }

    /// <summary>The delay without jitter.</summary>
    public TimeSpan GetUnjitteredDelay(int failedAttempts)
    {
        if (failedAttempts >= _capAttempt)
        {
            return _maxDelay;
        }

        if (failedAttempts <= 1)
        {
            return _baseDelay;
        }

        var ticks = _baseDelay.Ticks * (double)(1L << (failedAttempts - 1));
        return ticks >= _maxDelay.Ticks ? _maxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
