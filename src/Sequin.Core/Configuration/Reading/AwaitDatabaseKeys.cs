using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>The keys of <c>databases[].await_database</c>, read by <see cref="OptionsMapReader{TKeys}"/> into an <see cref="AwaitDatabaseConfig"/>.</summary>
internal sealed class AwaitDatabaseKeys
{
    [SinkOption("How long the host waits for an unreachable database when it starts, in milliseconds.", Minimum = 0, Maximum = 24 * 60 * 60 * 1000)]
    public long TimeoutMs { get; set; } = (long)AwaitDatabaseConfig.Default.Timeout.TotalMilliseconds;

    [SinkOption("The first delay between connection attempts, in milliseconds; it doubles per attempt up to 5 s.", Minimum = 1, Maximum = 60 * 60 * 1000)]
    public long IntervalMs { get; set; } = (long)AwaitDatabaseConfig.Default.Interval.TotalMilliseconds;

    public static AwaitDatabaseKeys From(AwaitDatabaseConfig config) => new()
    {
        TimeoutMs = (long)config.Timeout.TotalMilliseconds,
        IntervalMs = (long)config.Interval.TotalMilliseconds,
    };

    public AwaitDatabaseConfig ToConfig() => new(TimeSpan.FromMilliseconds(TimeoutMs), TimeSpan.FromMilliseconds(IntervalMs));
}
