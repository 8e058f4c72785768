using Sequin.Core.Tests.Replication.Support;
using Sequin.Core.Tests.Support;
using Sequin.Functions;
using Sequin.Sinks;
using Sequin.TestServers;

namespace Sequin.Core.Tests.Pipeline;

/// <summary>A consumer with an enrichment function, querying a real PostgreSQL (the sink and the clock are fakes).</summary>
[Collection(PostgresCollection.Name)]
public sealed class SinkConsumerEnrichmentTests(PostgresFixture fixture)
{
    private const string Sql = """
        SELECT t.id, tenants.name AS tenant_name
        FROM t JOIN tenants ON tenants.id = t.tenant_id
        WHERE t.id = ANY($1)
        """;

    private static string Row(RoutedMessage m) => m.Message.Record[0].Text!;

    private async Task<string> DatabaseAsync(bool withTenants)
    {
        var database = await fixture.CreateDatabaseAsync("enrichsink");
        await fixture.Server.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, tenant_id int); INSERT INTO t VALUES (1, 10), (2, 20), (3, 30);", database);
        if (withTenants)
        {
            await fixture.Server.ExecuteAsync(Tenants, database);
        }

        return database;
    }

    private const string Tenants = "CREATE TABLE tenants (id int PRIMARY KEY, name text); INSERT INTO tenants VALUES (10, 'Acme'), (20, 'Globex');";

    [Fact]
    public async Task EveryMessageGetsItsRowAsMetadataEnrichmentAndNullWithoutOne()
    {
        var database = await DatabaseAsync(withTenants: true);
        await using var source = fixture.Server.DataSource(database);
        var query = new EnrichmentQuery("with-tenant", Sql, source, TimeSpan.FromSeconds(10));
        await using var h = new ConsumerHarness(enrichment: query);
        var txn = Some.Transaction();

        await h.FeedAsync([Some.Change(1, txn, 0), Some.Change(2, txn, 1), Some.Change(3, txn, 2)]);

        await Wait.UntilAsync(() => txn.IsComplete, "the transaction completes");
        Assert.Equal(["1", "2", "3"], h.Pipeline.Delivered.Select(Row).Order());
        Assert.Equal(
            ["""{"id":1,"tenant_name":"Acme"}""", """{"id":2,"tenant_name":"Globex"}""", null],
            h.Processors.Enrichments.OrderBy(e => e ?? "~", StringComparer.Ordinal));
    }

    [Fact]
    public async Task AFailingQueryFailsTheMessagesRetryablyNamingTheFunctionAndTheRetryEnrichesThem()
    {
        var database = await DatabaseAsync(withTenants: false);
        await using var source = fixture.Server.DataSource(database);
        var query = new EnrichmentQuery("with-tenant", Sql, source, TimeSpan.FromSeconds(10));
        await using var h = new ConsumerHarness(settings: ConsumerHarness.Settings_(partitions: 1), enrichment: query);
        var t0 = h.Time.GetUtcNow();
        var txn = Some.Transaction();

        await h.FeedAsync([Some.Change(1, txn, 0)]);

        await Wait.UntilAsync(() => h.Consumer.FailedAttempts == 1, "the enrichment failed");
        Assert.Empty(h.Pipeline.Delivered);
        Assert.Empty(h.Processors.Enrichments); // no function saw the message unenriched
        await Wait.UntilAsync(
            () => h.Logger.Entries.Any(e => e.EventId.Id == 1213
                && e.Message.Contains("Enrichment function 'with-tenant' failed: 42P01: relation \"tenants\" does not exist", StringComparison.Ordinal)),
            "the failure is logged naming the function");

        await fixture.Server.ExecuteAsync(Tenants, database);
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(1), "the retry");

        await Wait.UntilAsync(() => txn.IsComplete, "the retried message is delivered");
        Assert.Equal("1", Row(Assert.Single(h.Pipeline.Delivered)));
        Assert.Equal("""{"id":1,"tenant_name":"Acme"}""", Assert.Single(h.Processors.Enrichments));
    }
    [Fact]
    public async Task AParkedMessageIsEnrichedWhenItIsReadBackFromTheTable()
    {
        var database = await DatabaseAsync(withTenants: false);
        await using var source = fixture.Server.DataSource(database);
        await using var store = new Sequin.Parking.PostgresParkingStore(fixture.Server.ConnectionString(database));
        var query = new EnrichmentQuery("with-tenant", Sql, source, TimeSpan.FromSeconds(10));
        var settings = ConsumerHarness.Settings_(partitions: 1) with { ParkAfterFailures = 1 };
        await using var h = new ConsumerHarness(settings: settings, parking: store, enrichment: query);
        var t0 = h.Time.GetUtcNow();

        await h.FeedAsync([Some.Change(2, Some.Transaction())]);
        await Wait.UntilAsync(() => h.Consumer.ParkedMessages == 1, "the failing message is parked");
        Assert.Empty(h.Processors.Enrichments);

        await fixture.Server.ExecuteAsync(Tenants, database);
        await Wait.AdvanceToTimerAsync(h.Time, t0 + TimeSpan.FromSeconds(1), "the retry from the table");

        await Wait.UntilAsync(() => h.Consumer.UnparkedMessages == 1, "the parked message is delivered from the table");
        Assert.Equal("2", Row(Assert.Single(h.Pipeline.Delivered)));
        Assert.Equal("""{"id":2,"tenant_name":"Globex"}""", Assert.Single(h.Processors.Enrichments));
    }
}
