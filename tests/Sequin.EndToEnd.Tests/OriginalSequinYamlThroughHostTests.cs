using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 16: a <c>sequin.yaml</c> written for the original Sequin runs with its keys' original meaning, through the host
/// and a real PostgreSQL: <c>publication.init_sql</c> creates the publication, <c>table:</c> takes one table,
/// <c>pool_size</c> and <c>await_database</c> are accepted, and a <c>path</c> function makes the payload.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class OriginalSequinYamlThroughHostTests(PostgresFixture postgres)
{
    [Fact]
    public async Task InitSqlTableAndAPathFunctionWorkAsInTheOriginal()
    {
        await using var scenario = await StdoutScenario.CreateAsync(postgres, "original");
        await scenario.ExecuteAsync("CREATE TABLE users (id int PRIMARY KEY, address jsonb)");
        await scenario.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY)");
        await scenario.ExecuteAsync("CREATE TABLE audit (id int PRIMARY KEY)");
        File.WriteAllText(scenario.ConfigPath, $$"""
            account:
              name: "${SEQUIN_ACCOUNT_NAME:-original}"
            databases:
              - name: "db"
                hostname: "${DATABASE_HOST:-{{PostgresServer.Host}}}"
                port: {{scenario.Server.Port}}
                database: "{{scenario.Database}}"
                username: "postgres"
                pool_size: 3
                slot:
                  name: "{{scenario.SlotName}}"
                  create_if_not_exists: true
                publication:
                  name: "original_pub"
                  create_if_not_exists: true
                  init_sql: |-
                    create publication original_pub for table users, orders with (publish_via_partition_root = true)
                await_database:
                  timeout_ms: 60000
                  interval_ms: 500
            functions:
              - name: "address-only"
                type: "path"
                path: "record.address"
            sinks:
              - name: "users-to-file"
                database: "db"
                table: "public.users"
                transform: "address-only"
                load_shedding_policy: "pause_on_full"
                actions: [insert, update, delete]
                destination:
                  type: "stdout"
                  path: "{{scenario.OutputPath}}"
            """);
        await using var host = SequinHostProcess.Start(scenario.ConfigPath);
        await scenario.WaitForSlotActiveAsync(host);

        // init_sql made the publication: exactly its two tables, not the default of every table in schema public.
        var published = await scenario.ScalarAsync<string>(
            "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_publication_tables WHERE pubname = 'original_pub'");
        Assert.Equal("orders,users", published);

        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1)");
        await scenario.ExecuteAsync("""INSERT INTO users VALUES (1, '{"city": "Lyon", "zip": "69001"}'), (2, '{"city": "Oslo"}')""");
        await scenario.ExecuteAsync("""UPDATE users SET address = '{"city": "Paris"}' WHERE id = 1""");
        await scenario.WaitForMessagesAsync(3, host);

        Assert.Equal(0, await host.StopAsync());
        Assert.Contains("account: Ignored", host.Output, StringComparison.Ordinal);
        var payloads = StdoutSinkOutput.Read(scenario.OutputPath).Select(m => m.ToJsonString()).ToList();

        // Only users (table: public.users), and each payload is the record's address (path: record.address), in jsonb's
        // key order; rows are delivered in parallel, each row's changes in order.
        string[] expected = ["""{"city":"Oslo"}""", """{"city":"Paris"}""", """{"zip":"69001","city":"Lyon"}"""];
        Assert.Equal(expected, payloads.Order(StringComparer.Ordinal));
        Assert.True(payloads.IndexOf(expected[2]) < payloads.IndexOf(expected[1]), "row 1's insert before its update");
    }
}
