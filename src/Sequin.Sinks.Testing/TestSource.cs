using Sequin.Messages;

namespace Sequin.Sinks.Testing;

/// <summary>Where test changes come from: the source database and a transaction.</summary>
public static class TestSource
{
    /// <summary>The source database <c>shop</c> on <c>localhost</c>.</summary>
    public static SourceDatabaseInfo Database { get; } = new("shop", "shop", "shop", "localhost");

    /// <summary>The time test transactions commit at: 2024-10-05T00:00:00Z.</summary>
    public static DateTimeOffset CommitTimestamp { get; } = new(2024, 10, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A committed transaction (a fresh instance each call: Core counts its changes as they are delivered).</summary>
    public static TransactionInfo Transaction(ulong commitLsn = 0x1000, uint xid = 42) => new(commitLsn, CommitTimestamp, xid);
}
