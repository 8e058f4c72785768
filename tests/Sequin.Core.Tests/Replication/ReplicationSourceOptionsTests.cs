using Sequin.Replication;

namespace Sequin.Core.Tests.Replication;

public sealed class ReplicationSourceOptionsTests
{
    private static ReplicationSourceOptions Valid() => new()
    {
        ConnectionString = "Host=127.0.0.1;Database=shop;Username=postgres",
        SlotName = "sequin_slot",
        PublicationName = "sequin_pub",
    };

    [Fact]
    public void DefaultsMatchTheDesign()
    {
        var options = Valid();
        options.Validate();
        Assert.Equal(TimeSpan.FromSeconds(1), options.StatusInterval);
        Assert.Equal(TimeSpan.FromSeconds(15), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ReconnectBaseDelay);
        Assert.Equal(TimeSpan.FromMinutes(1), options.ReconnectMaxDelay);
        Assert.False(options.CreateSlotIfNotExists);
        Assert.False(options.CreatePublicationIfNotExists);
        Assert.Equal(
            "CREATE PUBLICATION \"sequin_pub\" FOR TABLES IN SCHEMA public WITH (publish_via_partition_root = true)",
            options.CreatePublicationSql());
    }

    [Fact]
    public void ExplicitTableListIsQuotedInThePublication()
    {
        var options = Valid();
        options.PublicationTables.Add("orders");
        options.PublicationTables.Add("sales.Line Items");
        options.Validate();
        Assert.Equal(
            "CREATE PUBLICATION \"sequin_pub\" FOR TABLE \"orders\", \"sales\".\"Line Items\" WITH (publish_via_partition_root = true)",
            options.CreatePublicationSql());
    }

    [Fact]
    public void InitSqlReplacesTheDefaultPublicationStatement()
    {
        var options = Valid();
        options.PublicationTables.Add("orders");
        options.PublicationInitSql = "create publication sequin_pub for all tables";
        options.Validate();
        Assert.Equal("create publication sequin_pub for all tables", options.CreatePublicationSql());
    }

    [Fact]
    public void SourceIsDerivedFromTheConnectionStringWhenNotGiven()
    {
        var source = Valid().ResolveSource();
        Assert.Equal("shop", source.Database);
        Assert.Equal("shop", source.Name);
        Assert.Equal("127.0.0.1", source.Hostname);
    }

    public static TheoryData<string, Action<ReplicationSourceOptions>> InvalidOptions => new()
    {
        { nameof(ReplicationSourceOptions.ConnectionString), o => o.ConnectionString = " " },
        { nameof(ReplicationSourceOptions.ConnectionString), o => o.ConnectionString = "NoSuchKeyword=1" },
        { nameof(ReplicationSourceOptions.SlotName), o => o.SlotName = "" },
        { nameof(ReplicationSourceOptions.SlotName), o => o.SlotName = "Upper-Case" },
        { nameof(ReplicationSourceOptions.SlotName), o => o.SlotName = new string('a', 64) },
        { nameof(ReplicationSourceOptions.PublicationName), o => o.PublicationName = "" },
        { nameof(ReplicationSourceOptions.PublicationTables), o => o.PublicationTables.Add("a.b.c") },
        { nameof(ReplicationSourceOptions.StatusInterval), o => o.StatusInterval = TimeSpan.Zero },
        { nameof(ReplicationSourceOptions.HeartbeatInterval), o => o.HeartbeatInterval = TimeSpan.FromSeconds(-1) },
        { nameof(ReplicationSourceOptions.ReconnectBaseDelay), o => o.ReconnectBaseDelay = TimeSpan.Zero },
        { nameof(ReplicationSourceOptions.ReconnectMaxDelay), o => o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(10) },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void InvalidOptionIsRejectedByName(string option, Action<ReplicationSourceOptions> breakIt)
    {
        var options = Valid();
        breakIt(options);
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(option, error.ParamName);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ReplicationSource(options));
    }

    [Fact]
    public void HeartbeatsCanBeTurnedOff()
    {
        var options = Valid();
        options.HeartbeatInterval = TimeSpan.Zero;
        options.Validate();
    }

    [Fact]
    public void ReconnectBackoffDoublesWithJitterUpToTheCap()
    {
        var source = new ReplicationSource(Valid());
        for (var i = 0; i < 20; i++)
        {
            Assert.InRange(source.BackoffDelay(1).TotalMilliseconds, 850, 1150);
            Assert.InRange(source.BackoffDelay(3).TotalMilliseconds, 3400, 4600);
            Assert.InRange(source.BackoffDelay(30).TotalMilliseconds, 51000, 60000);
        }
    }

    [Fact]
    public void ReconnectBackoffWaitsTheCapOnceDoublingPassesHalfOfIt()
    {
        // 1 s doubling under a 1 min cap: 16 s at the 5th attempt, then the cap (32 s would be more than half of it),
        // the rule message retries follow too.
        var source = new ReplicationSource(Valid());
        for (var i = 0; i < 20; i++)
        {
            Assert.InRange(source.BackoffDelay(5).TotalMilliseconds, 13600, 18400);
            Assert.InRange(source.BackoffDelay(6).TotalMilliseconds, 51000, 60000);
        }
    }
}
