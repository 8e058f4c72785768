using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 16's enrichment functions through the runtime, from the WAL of a real PostgreSQL: the query joins a second
/// table, a transform reads <c>metadata.enrichment</c>, and a row without an enrichment row gets null.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class EnrichmentThroughRuntimeTests(PostgresFixture postgres)
{
    private const string Functions = """
          - name: with-account
            type: enrichment
            code: |-
              SELECT u.id, a.name AS account_name
              FROM users u JOIN accounts a ON a.id = u.account_id
              WHERE u.id = ANY($1);
          - name: to-event
            type: transform
            code: |-
              function transform(action, record, changes, metadata) {
                return { record: { id: record.id }, account: metadata.enrichment ? metadata.enrichment.account_name : "none" };
              }
        """;

    [Fact]
    public async Task ATransformReadsTheRowTheEnrichmentQueryJoinedAndARowWithoutOneGetsNull()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "enrich");
        await scenario.ExecuteAsync("""
            CREATE TABLE accounts (id int PRIMARY KEY, name text);
            CREATE TABLE users (id int PRIMARY KEY, account_id int);
            INSERT INTO accounts VALUES (10, 'Acme'), (20, 'Globex');
            """);
        var sink = new RecordingSinkPlugin();
        await using var runtime = InProcessRuntime.Start(
            scenario.WriteConfig("table: public.users\nenrichment: with-account\ntransform: to-event\nactions: [insert]", "recording", functions: Functions),
            [sink]);
        await runtime.WaitForConsumersAsync();
        await scenario.WaitForSlotActiveAsync();

        await scenario.ExecuteAsync("INSERT INTO users VALUES (1, 10), (2, 20), (3, 99)");

        await Eventually.UntilAsync(() => sink.DeliveredPayloads.Count == 3, () => $"3 deliveries (have {sink.DeliveredPayloads.Count})");
        Assert.Equal(
            ["""{"record":{"id":1},"account":"Acme"}""", """{"record":{"id":2},"account":"Globex"}""", """{"record":{"id":3},"account":"none"}"""],
            sink.DeliveredPayloads.Order(StringComparer.Ordinal));
    }
}
