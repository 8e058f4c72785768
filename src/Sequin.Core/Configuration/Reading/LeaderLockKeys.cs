using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>The keys of <c>databases[].leader_lock</c>, read by <see cref="OptionsMapReader{TKeys}"/> into a <see cref="LeaderLockConfig"/>.</summary>
internal sealed class LeaderLockKeys
{
    [SinkOption("How often a standby host tries to take the database's leader lock, in milliseconds.", Minimum = 100, Maximum = 10 * 60 * 1000)]
    public long RetryIntervalMs { get; set; } = (long)LeaderLockConfig.Default.RetryInterval.TotalMilliseconds;

    [SinkOption("How often the leading host checks its lock connection, in milliseconds; it stops reading and delivering when the connection is gone.", Minimum = 100, Maximum = 60 * 1000)]
    public long CheckIntervalMs { get; set; } = (long)LeaderLockConfig.Default.CheckInterval.TotalMilliseconds;

    public static LeaderLockKeys From(LeaderLockConfig config) => new()
    {
        RetryIntervalMs = (long)config.RetryInterval.TotalMilliseconds,
        CheckIntervalMs = (long)config.CheckInterval.TotalMilliseconds,
    };

    public LeaderLockConfig ToConfig() => new(TimeSpan.FromMilliseconds(RetryIntervalMs), TimeSpan.FromMilliseconds(CheckIntervalMs));
}
