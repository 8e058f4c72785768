using Microsoft.Extensions.Logging;
using Sequin.Diagnostics;

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
    private readonly ILogger? _logger;
    private readonly string _sinkName = string.Empty;
    private readonly List<RecentError> _recent = [];
    private int _suppressed;

    /// <summary>How many distinct errors <see cref="Recent"/> keeps.</summary>
    public const int MaxRecent = 20;

    /// <summary>Creates a throttle that logs at most one failure per <paramref name="window"/>.</summary>
    public FailureLogThrottle(TimeProvider time, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero);
        _time = time;
        _window = window;
    }

    /// <summary>Creates the throttle of a sink, which <see cref="ShouldLog(string)"/> tells how many failures went unlogged.</summary>
    /// <param name="time">The clock.</param>
    /// <param name="window">At most one log of an error per window.</param>
    /// <param name="logger">The sink's logger.</param>
    /// <param name="sinkName">The sink's name, in the suppressed-count line.</param>
    public FailureLogThrottle(TimeProvider time, TimeSpan window, ILogger logger, string sinkName)
        : this(time, window)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(sinkName);
        _logger = logger;
        _sinkName = sinkName;
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
            Remember(error, now);
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

    /// <summary>The last <see cref="MaxRecent"/> distinct errors recorded, oldest first, with their counts.</summary>
    public IReadOnlyList<RecentError> Recent()
    {
        lock (_lock)
        {
            return [.. _recent];
        }
    }

    private void Remember(string error, DateTimeOffset now)
    {
        var index = _recent.FindIndex(r => string.Equals(r.Error, error, StringComparison.Ordinal));
        var entry = index < 0 ? new RecentError(error, 1, now, now) : _recent[index] with { Count = _recent[index].Count + 1, LastAt = now };
        if (index >= 0)
        {
            _recent.RemoveAt(index);
        }
        else if (_recent.Count >= MaxRecent)
        {
            _recent.RemoveAt(0);
        }

        _recent.Add(entry);
    }

    /// <summary>
    /// Records a failure with <paramref name="error"/>; true when the caller should log it now. Before returning true, logs
    /// (to the sink's logger, when the throttle has one) how many failures were counted but not logged since the last.
    /// </summary>
    public bool ShouldLog(string error)
    {
        if (!ShouldLog(error, out var suppressed))
        {
            return false;
        }

        if (suppressed > 0 && _logger is not null)
        {
            PipelineLog.FailuresSuppressed(_logger, _sinkName, suppressed, _window);
        }

        return true;
    }
}
