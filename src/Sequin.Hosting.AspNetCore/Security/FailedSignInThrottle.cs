using System.Globalization;
using System.Net;

namespace Sequin.Hosting.AspNetCore.Security;

/// <summary>
/// Limits guessing the token: counts failed sign-ins and failed bearer tokens per client address and in total, in
/// windows of <see cref="Window"/>. Past <see cref="MaxFailuresPerClient"/> for one address, or
/// <see cref="MaxFailuresInTotal"/> for all, further attempts are refused (429) without comparing the token until the
/// window ends. One per endpoint (a singleton of <c>AddSequinHttp</c>); nothing is static.
/// </summary>
internal sealed class FailedSignInThrottle
{
    /// <summary>Failed attempts one client address may make per <see cref="Window"/>.</summary>
    public const int MaxFailuresPerClient = 10;

    /// <summary>Failed attempts all clients together may make per <see cref="Window"/> (a guesser with many addresses).</summary>
    public const int MaxFailuresInTotal = 100;

    /// <summary>The length of a counting window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // Past this many tracked addresses, windows that have ended are dropped first (a bounded map).
    private const int MaxTrackedClients = 10_000;

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Counter> _clients = new(StringComparer.Ordinal);
    private Counter _total;

    public FailedSignInThrottle(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>How long <paramref name="client"/> must wait before its next attempt is compared, or null when it may try now.</summary>
    public TimeSpan? RetryAfter(IPAddress? client)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            TimeSpan? wait = null;
            if (_total.IsOver(MaxFailuresInTotal, now))
            {
                wait = _total.Ends - now;
            }

            if (_clients.TryGetValue(Key(client), out var counter) && counter.IsOver(MaxFailuresPerClient, now))
            {
                var clientWait = counter.Ends - now;
                wait = wait is { } w && w > clientWait ? w : clientWait;
            }

            return wait;
        }
    }

    /// <summary>Counts a failed attempt of <paramref name="client"/>; returns its failures in the current window.</summary>
    public int RecordFailure(IPAddress? client)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            _total = _total.Add(now);
            var key = Key(client);
            if (_clients.Count >= MaxTrackedClients && !_clients.ContainsKey(key))
            {
                foreach (var ended in _clients.Where(c => c.Value.Ends <= now).Select(c => c.Key).ToList())
                {
                    _clients.Remove(ended);
                }
            }

            var counter = _clients.GetValueOrDefault(key).Add(now);
            _clients[key] = counter;
            return counter.Count;
        }
    }

    /// <summary>The <c>Retry-After</c> header's value (whole seconds, at least 1).</summary>
    public static string RetryAfterHeader(TimeSpan wait) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string Key(IPAddress? client) => client?.ToString() ?? "(unknown)";

    private readonly record struct Counter(DateTimeOffset Ends, int Count)
    {
        public bool IsOver(int max, DateTimeOffset now) => Ends > now && Count >= max;

        public Counter Add(DateTimeOffset now) => Ends > now ? this with { Count = Count + 1 } : new Counter(now + Window, 1);
    }
}
