namespace Sequin.Hosting.AspNetCore.Api;

/// <summary>
/// Each running sink's delivery rate over the last minute: its delivered counter sampled every
/// <see cref="Interval"/>, the rate being the difference between the newest and the oldest sample of the window. Null
/// until two samples at least 1 s apart exist: sampling starts with the endpoints (not at the first page view), so a
/// rate shows from the first seconds (it said "measuring…" for 40 s when the window needed 4 s after the first view).
/// </summary>
internal sealed class DeliveryRates : IDisposable
{
    /// <summary>How often the counters are sampled.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MinimumSpan = TimeSpan.FromSeconds(1);

    private readonly SequinServices _sequin;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<(long At, long Delivered)>> _samples = new(StringComparer.Ordinal);
    private readonly ITimer _timer;

    /// <summary>Starts sampling the consumers of <paramref name="sequin"/>.</summary>
    public DeliveryRates(SequinServices sequin, TimeProvider time)
    {
        _sequin = sequin;
        _time = time;
        _timer = time.CreateTimer(_ => Sample(), null, TimeSpan.Zero, Interval);
    }

    /// <summary>Messages per second delivered by <paramref name="sink"/> over the last minute, or null when not yet known.</summary>
    public double? PerSecond(string sink)
    {
        lock (_lock)
        {
            if (!_samples.TryGetValue(sink, out var samples) || samples.Count < 2)
            {
                return null;
            }

            var (firstAt, first) = samples.Peek();
            var (lastAt, last) = samples.Last();
            var span = _time.GetElapsedTime(firstAt, lastAt);
            return span < MinimumSpan ? null : (last - first) / span.TotalSeconds;
        }
    }

    /// <summary>Takes one sample of every running consumer (the timer calls it; tests may too).</summary>
    public void Sample()
    {
        var now = _time.GetTimestamp();
        var consumers = SinkViews.Consumers(_sequin);
        lock (_lock)
        {
            foreach (var (name, consumer) in consumers)
            {
                if (!_samples.TryGetValue(name, out var samples))
                {
                    _samples[name] = samples = new Queue<(long, long)>();
                }

                samples.Enqueue((now, consumer.DeliveredMessages));
                while (samples.Count > 2 && _time.GetElapsedTime(samples.Peek().At, now) > Window)
                {
                    samples.Dequeue();
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}
