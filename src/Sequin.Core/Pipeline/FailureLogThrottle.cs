namespace Sequin.Pipeline;

/// <summary>
/// Keeps a sink's failure warnings readable during an outage: each distinct error is logged in full at most once per
/// window, repeats within the window are only counted, and the count is reported with the next failure that is logged.
/// A disk that stays full for 30 s then gives a handful of lines instead of thousands, a different error is still seen
/// at once, and no failure goes uncounted.
/// </summary>
internal sealed class FailureLogThrottle
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly Lock _lock = new();
    private const int MaxRemembered = 256;
    private readonly Dictionary<string, DateTimeOffset> _lastLogged = new(StringComparer.Ordinal);
    private int _suppressed;

    /// <summary>Creates a throttle that logs at most one failure per <paramref name="window"/>.</summary>
    public FailureLogThrottle(TimeProvider time, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero);
        _time = time;
        _window = window;
    }

    /// <summary>The default window: 10 seconds.</summary>
    public static TimeSpan DefaultWindow { get; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Records a failure with <paramref name="error"/>. True when it should be logged (that error was not logged within
    /// the window); then <paramref name="suppressed"/> is the number of failures counted but not logged since the last
    /// one that was.
    /// </summary>
    public bool ShouldLog(string error, out int suppressed)
    {
        ArgumentNullException.ThrowIfNull(error);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_lastLogged.TryGetValue(error, out var last) && now - last < _window)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }

            if (_lastLogged.Count >= MaxRemembered)
            {
                _lastLogged.Clear(); // many distinct errors: forget them rather than grow without bound
            }

            _lastLogged[error] = now;
            suppressed = _suppressed;
            _suppressed = 0;
            return true;
        }
    }
}
