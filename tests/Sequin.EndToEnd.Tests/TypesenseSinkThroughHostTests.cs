using System.Text.Json;
using System.Text.Json.Nodes;
using Sequin.EndToEnd.Tests.Support;
using Sequin.TestServers;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// The real host process (<c>sequin run</c>) streams a real PostgreSQL's inserts, updates and deletes to Typesense with
/// the Typesense sink loaded from the plugins folder: static routing, dynamic routing by a routing function, and soft
/// deletes routed to <c>delete</c> by a function. Typesense is the fake unless TYPESENSE_URL and TYPESENSE_API_KEY
/// point at a real server; documents are checked through the HTTP API either way.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TypesenseSinkThroughHostTests(PostgresFixture postgres)
{
    private const string Tables = """
        CREATE TABLE products (id bigint PRIMARY KEY, name text NOT NULL, deleted_at timestamptz);
        CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL);
        """;

    [Fact]
    public async Task StaticRoutingSendsTwoTablesToTheirCollectionsThroughTheHost()
    {
        await using var scenario = await TypesenseScenario.CreateAsync(postgres, "ts_static");
        var products = scenario.Collection("products");
        var orders = scenario.Collection("orders");
        await scenario.CreateCollectionAsync(products);
        await scenario.CreateCollectionAsync(orders);
        await scenario.ExecuteAsync(Tables);
        var config = scenario.WriteConfig($"""
              - name: products-to-typesense
                database: db
                source: {"{"} include_tables: ["public.products"] {"}"}
                destination:
                  {"{DESTINATION}"}
                  collection_name: {products}
              - name: orders-to-typesense
                database: db
                source: {"{"} include_tables: ["public.orders"] {"}"}
                destination:
                  {"{DESTINATION}"}
                  collection_name: {orders}
            """);
        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);

        await AssertInsertsUpdatesAndDeletesReachAsync(scenario, host, products, orders);

        Assert.Equal(0, await host.StopAsync());
        Assert.Contains("Loaded sink plugin typesense", host.Output, StringComparison.Ordinal);

        // The plugin, in its own load context, got the host's IHttpClientFactory (its named client logs under this category);
        // without type unification it would fall back to a private HttpClient and nothing would be logged here.
        Assert.Contains("System.Net.Http.HttpClient.Sequin.Sinks.Typesense.", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInitialBackfillIndexesTheRowsThatAlreadyExistAndLiveChangesFollowThroughTheHost()
    {
        await using var scenario = await TypesenseScenario.CreateAsync(postgres, "ts_backfill");
        var products = scenario.Collection("products");
        await scenario.CreateCollectionAsync(products);
        await scenario.ExecuteAsync(Tables);
        await scenario.ExecuteAsync("INSERT INTO products SELECT g, 'product ' || g FROM generate_series(1, 2500) g");
        var config = scenario.WriteConfig($$"""
              - name: products-to-typesense
                database: db
                source: { include_tables: ["public.products"] }
                initial_backfill:
                  - table: products
                destination:
                  {DESTINATION}
                  collection_name: {{products}}
            """);
        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);

        // The rows written before the host ever ran are indexed by the backfill (as `read` messages, indexed like inserts).
        foreach (var id in new[] { "1", "1250", "2500" })
        {
            var document = await scenario.WaitForDocumentAsync(host, products, id);
            Assert.Equal("product " + id, (string?)document["name"]);
        }

        await using var store = new Sequin.Backfills.BackfillStore(scenario.Server.ConnectionString(scenario.Database));
        await Eventually.UntilAsync(
            async () => (await store.ListAsync(null, activeOnly: false, CancellationToken.None)).Single() is { Status: Sequin.Backfills.BackfillStatus.Completed, RowsDelivered: 2500 },
            () => "the backfill completed with 2,500 reads; host output:\n" + host.Output);
        await scenario.ExecuteAsync("UPDATE products SET name = 'renamed' WHERE id = 1250; DELETE FROM products WHERE id = 2500");
        await scenario.WaitForDocumentAsync(host, products, "1250", d => (string?)d["name"] == "renamed");
        await scenario.WaitForNoDocumentAsync(host, products, "2500");
        Assert.Equal(0, await host.StopAsync());
        Assert.Contains("completed: 2500 rows read, 2500 read messages delivered", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DynamicRoutingByFunctionSendsTwoTablesToTwoCollectionsThroughTheHost()
    {
        await using var scenario = await TypesenseScenario.CreateAsync(postgres, "ts_dynamic");
        var products = scenario.Collection("products");
        var orders = scenario.Collection("orders");
        await scenario.ExecuteAsync(Tables);

        // The function decides only the collection; the action keeps its default (insert/update => index, delete => delete).
        // The collections do not exist beforehand: create_collection_if_missing makes them on first write.
        var config = scenario.WriteConfig(
            functions: $$"""
                  - name: by-table
                    type: routing
                    sink_type: typesense
                    code: |-
                      function route(action, record, changes, metadata) {
                        return { collection_name: "{{scenario.Prefix}}_" + metadata.table_name };
                      }
                """,
            sinks: """
                  - name: shop-to-typesense
                    database: db
                    routing: by-table
                    destination:
                      {DESTINATION}
                      create_collection_if_missing: true
                """);
        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);

        await AssertInsertsUpdatesAndDeletesReachAsync(scenario, host, products, orders);

        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task RoutingFunctionTurnsASoftDeleteIntoADocumentDeleteThroughTheHost()
    {
        await using var scenario = await TypesenseScenario.CreateAsync(postgres, "ts_soft");
        var products = scenario.Collection("products");
        await scenario.CreateCollectionAsync(products);
        await scenario.ExecuteAsync(Tables);
        File.WriteAllText(Path.Combine(scenario.Directory, "soft-delete.js"), $$"""
            function route(action, record, changes, metadata) {
              var softDeleted = record.deleted_at !== null && record.deleted_at !== undefined;
              return {
                action: (action === "delete" || softDeleted) ? "delete" : "index",
                collection_name: "{{products}}"
              };
            }
            """);
        var config = scenario.WriteConfig(
            functions: """
                  - name: soft-delete
                    type: routing
                    sink_type: typesense
                    file: soft-delete.js
                """,
            sinks: """
                  - name: products-to-typesense
                    database: db
                    source: { include_tables: ["public.products"] }
                    routing: soft-delete
                    destination:
                      {DESTINATION}
                """);
        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO products (id, name) VALUES (1, 'Espresso cup'), (2, 'Milk jug')");
        await scenario.WaitForDocumentAsync(host, products, "1");
        await scenario.WaitForDocumentAsync(host, products, "2");

        // Soft delete of 1 (an update with deleted_at set) and a plain update of 2.
        await scenario.ExecuteAsync("UPDATE products SET deleted_at = now() WHERE id = 1; UPDATE products SET name = 'Big milk jug' WHERE id = 2");
        await scenario.WaitForNoDocumentAsync(host, products, "1");
        await scenario.WaitForDocumentAsync(host, products, "2", d => Name(d) == "Big milk jug");
        Assert.Equal(2L, await scenario.ScalarAsync<long>("SELECT count(*) FROM products"));

        // Un-delete: the update routes to index and the document comes back; a hard delete still deletes.
        await scenario.ExecuteAsync("UPDATE products SET deleted_at = NULL, name = 'Espresso cup again' WHERE id = 1; DELETE FROM products WHERE id = 2");
        var restored = await scenario.WaitForDocumentAsync(host, products, "1", d => Name(d) == "Espresso cup again");
        Assert.Equal(JsonValueKind.String, restored["id"]!.GetValueKind());
        await scenario.WaitForNoDocumentAsync(host, products, "2");

        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task HostLoadsTheTypesensePluginFromARelativePluginsFolder()
    {
        // As in the quickstart: `dotnet publish src/Sequin.Sinks.Typesense -o plugins/Sequin.Sinks.Typesense`, then
        // `sequin validate --config sequin.yaml --plugins-dir plugins` (a path relative to the working directory).
        await using var scenario = await TypesenseScenario.CreateAsync(postgres, "ts_relative");
        var config = scenario.WriteConfig($"""
              - name: products-to-typesense
                database: db
                destination:
                  {"{DESTINATION}"}
                  collection_name: {scenario.Collection("products")}
            """);
        var hostFolder = Path.GetDirectoryName(BuildPaths.HostDll)!; // the host's working directory
        var relative = Path.GetRelativePath(hostFolder, BuildPaths.Plugins);
        Assert.False(Path.IsPathRooted(relative));

        var (exit, output) = await SequinHostProcess.RunToEndAsync("validate", "--config", config, "--plugins-dir", relative);

        Assert.True(exit == 0, $"validate exited {exit}:\n{output}");
        Assert.DoesNotContain("Unknown sink type", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Inserts, updates and deletes rows of both tables, and checks each collection through the API after each step:
    /// products only in <paramref name="products"/>, orders only in <paramref name="orders"/>, ids as strings.
    /// </summary>
    private static async Task AssertInsertsUpdatesAndDeletesReachAsync(TypesenseScenario scenario, ChildProcess host, string products, string orders)
    {
        await scenario.ExecuteAsync("""
            INSERT INTO products (id, name) VALUES (1, 'Espresso cup'), (2, 'Milk jug');
            INSERT INTO orders (id, status) VALUES (10, 'open'), (11, 'open');
            """);
        var cup = await scenario.WaitForDocumentAsync(host, products, "1");
        await scenario.WaitForDocumentAsync(host, products, "2");
        var order = await scenario.WaitForDocumentAsync(host, orders, "10");
        await scenario.WaitForDocumentAsync(host, orders, "11");
        Assert.Equal("1", (string?)cup["id"]);
        Assert.Equal("Espresso cup", Name(cup));
        Assert.Equal("10", (string?)order["id"]);
        Assert.Equal("open", (string?)order["status"]);

        // Each table went to its own collection only.
        Assert.Null(await scenario.GetDocumentAsync(orders, "1"));
        Assert.Null(await scenario.GetDocumentAsync(orders, "2"));
        Assert.Null(await scenario.GetDocumentAsync(products, "10"));
        Assert.Null(await scenario.GetDocumentAsync(products, "11"));

        await scenario.ExecuteAsync("""
            UPDATE products SET name = 'Small espresso cup' WHERE id = 1;
            DELETE FROM products WHERE id = 2;
            UPDATE orders SET status = 'paid' WHERE id = 10;
            DELETE FROM orders WHERE id = 11;
            """);
        await scenario.WaitForDocumentAsync(host, products, "1", d => Name(d) == "Small espresso cup");
        await scenario.WaitForNoDocumentAsync(host, products, "2");
        await scenario.WaitForDocumentAsync(host, orders, "10", d => (string?)d["status"] == "paid");
        await scenario.WaitForNoDocumentAsync(host, orders, "11");
        Assert.Null(await scenario.GetDocumentAsync(orders, "1"));
        Assert.Null(await scenario.GetDocumentAsync(products, "10"));
    }

    private static string? Name(JsonObject document) => (string?)document["name"];
}
