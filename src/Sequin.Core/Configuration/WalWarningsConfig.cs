namespace Sequin.Configuration;

/// <summary>
/// When the host warns that the database keeps WAL for it (<c>databases[].wal_warnings</c>; docs/reference/failures.md):
/// received WAL not yet acknowledged above <paramref name="RetainedBytes"/>, or the oldest undelivered change older than
/// <paramref name="UndeliveredAge"/>. Zero turns a check off.
/// </summary>
/// <param name="RetainedBytes">Unacknowledged WAL, in bytes (<c>retained_mb</c>). Default: 1 GiB.</param>
/// <param name="UndeliveredAge">Age of the oldest undelivered change (<c>undelivered_age_ms</c>). Default: 10 minutes.</param>
public sealed record WalWarningsConfig(long RetainedBytes, TimeSpan UndeliveredAge)
{
    /// <summary>The defaults: 1 GiB, 10 minutes.</summary>
    public static WalWarningsConfig Default { get; } = new(1L << 30, TimeSpan.FromMinutes(10));
}
