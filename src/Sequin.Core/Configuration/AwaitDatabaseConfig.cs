namespace Sequin.Configuration;

/// <summary>
/// How long the host waits for an unreachable database when it starts (<c>databases[].await_database</c>), as the
/// original does: connection attempts are retried until <paramref name="Timeout"/> has passed, then starting fails.
/// </summary>
/// <param name="Timeout">The longest wait (<c>timeout_ms</c>). Default: 30 s.</param>
/// <param name="Interval">The first delay between attempts (<c>interval_ms</c>); it doubles per attempt up to 5 s (or the interval, if longer). Default: 3 s.</param>
public sealed record AwaitDatabaseConfig(TimeSpan Timeout, TimeSpan Interval)
{
    /// <summary>The defaults: 30 s timeout, 3 s interval.</summary>
    public static AwaitDatabaseConfig Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(3));
}
