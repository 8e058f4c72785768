using System.Text.Json;
using Sequin.EndToEnd.Tests.Support;

namespace Sequin.EndToEnd.Tests;

/// <summary>
/// Issue 31: the real host process (<c>sequin run</c>) with the webhook sink from its plugins folder streams a real
/// PostgreSQL's changes to a real HTTP receiver (Kestrel), configured the original's way (<c>http_endpoints</c> +
/// <c>type: webhook</c>): both batch modes, routing by function, throttling with Retry-After, a refused message parked
/// while the slot moves on, a hanging receiver, TLS with a private CA, and signatures checked with the documented recipe.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WebhookSinkThroughHostTests(PostgresFixture postgres)
{
    private const string Tables = """
        CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL);
        CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
        ALTER TABLE orders REPLICA IDENTITY FULL;
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InsertsUpdatesAndDeletesArriveWithMethodPathHeadersAndBodyInBothBatchModes(bool batch)
    {
        await using var scenario = await WebhookScenario.CreateAsync(postgres, batch ? "wh_batch" : "wh_single");
        await scenario.ExecuteAsync(Tables);
        var config = scenario.WriteConfig(
            endpointExtra: """
                headers:
                  - key: X-Source
                    value: sequin
                encrypted_headers:
                  - key: Authorization
                    value: Bearer e2e-token
                """,
            sinks: $$"""
                  - name: orders-to-webhook
                    database: db
                    source: { include_tables: ["public.orders"] }
                    destination:
                      type: webhook
                      http_endpoint: receiver
                      http_endpoint_path: /orders
                      batch: {{(batch ? "true" : "false")}}
                """);
        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, 'new'), (2, 'new')");
        await scenario.ExecuteAsync("UPDATE orders SET status = 'paid' WHERE id = 1");
        await scenario.ExecuteAsync("DELETE FROM orders WHERE id = 2");
        await scenario.WaitForDeliveredAsync(4, host);

        var delivered = scenario.Delivered();
        Assert.All(delivered, d =>
        {
            Assert.Equal(("POST", "/hooks/orders"), (d.Request.Method, d.Request.Path));
            Assert.Equal("sequin", d.Request.Headers["X-Source"]);
            Assert.Equal("Bearer e2e-token", d.Request.Headers["Authorization"]);
            Assert.True(d.Request.Headers.ContainsKey("Idempotency-Key"));
            Assert.Equal(batch, JsonDocument.Parse(d.Request.Text).RootElement.TryGetProperty("data", out _));
        });
        var row1 = delivered.Where(d => Id(d.Message) == 1).Select(d => (Action(d.Message), Status(d.Message))).ToList();
        Assert.Equal([("insert", "new"), ("update", "paid")], row1);
        Assert.Equal("new", delivered.Single(d => Id(d.Message) == 1 && Action(d.Message) == "update").Message.GetProperty("changes").GetProperty("status").GetString());
        Assert.Equal(["insert", "delete"], delivered.Where(d => Id(d.Message) == 2).Select(d => Action(d.Message)));
        if (!batch)
        {
            Assert.All(delivered, d => Assert.Equal(d.Message.GetProperty("metadata").GetProperty("idempotency_key").GetString(), d.Request.Headers["Idempotency-Key"]));
        }

        Assert.Equal(0, await host.StopAsync());
        Assert.Contains("Loaded sink plugin webhook", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("e2e-token", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARoutingFunctionSendsTwoTablesToTwoPathsWithTheirOwnMethodsAndHeaders()
    {
        await using var scenario = await WebhookScenario.CreateAsync(postgres, "wh_route");
        await scenario.ExecuteAsync(Tables);
        var config = scenario.WriteConfig(
            functions: """
                  - name: by-table
                    type: routing
                    sink_type: webhook
                    code: |-
                      function route(action, record, changes, metadata) {
                        if (metadata.table_name === "orders") {
                          return { method: "PUT", endpoint_path: "/orders/" + record.id, headers: { "X-Table": "orders" } };
                        }
                        return { method: "PATCH", endpoint_path: "/people", headers: { "X-Table": metadata.table_name, "X-Row": record.id } };
                      }
                """,
            sinks: """
                  - name: shop-to-webhook
                    database: db
                    routing: by-table
                    destination:
                      type: webhook
                      http_endpoint: receiver
                """);
        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders VALUES (7, 'new'); INSERT INTO users VALUES (9, 'ann')");
        await scenario.WaitForDeliveredAsync(2, host);

        var delivered = scenario.Delivered();
        var order = delivered.Single(d => d.Message.GetProperty("metadata").GetProperty("table_name").GetString() == "orders").Request;
        var user = delivered.Single(d => d.Message.GetProperty("metadata").GetProperty("table_name").GetString() == "users").Request;
        Assert.Equal(("PUT", "/hooks/orders/7", "orders"), (order.Method, order.Path, order.Headers["X-Table"]));
        Assert.Equal(("PATCH", "/hooks/people", "users", "9"), (user.Method, user.Path, user.Headers["X-Table"], user.Headers["X-Row"]));
        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task AReceiverThatAnswers503WithRetryAfterForAWhileLosesNothingAndKeepsEachRowsOrder()
    {
        await using var scenario = await WebhookScenario.CreateAsync(postgres, "wh_503");
        await scenario.ExecuteAsync(Tables);
        var throttled = 0;
        DateTimeOffset? firstRefusal = null;
        scenario.Receiver.Respond = (_, response, _) =>
        {
            firstRefusal ??= DateTimeOffset.UtcNow;
            if (DateTimeOffset.UtcNow - firstRefusal < TimeSpan.FromSeconds(8))
            {
                Interlocked.Increment(ref throttled);
                response.Headers.RetryAfter = "2";
                return Task.FromResult(503);
            }

            return Task.FromResult(200);
        };
        var config = scenario.WriteConfig(sinks: """
              - name: orders-to-webhook
                database: db
                source: { include_tables: ["public.orders"] }
                batch_size: 5
                destination:
                  type: webhook
                  http_endpoint: receiver
            """);
        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders SELECT g, 'v0' FROM generate_series(1, 10) g");
        for (var v = 1; v <= 3; v++)
        {
            await scenario.ExecuteAsync($"UPDATE orders SET status = 'v{v}' WHERE id <= 5");
        }

        await scenario.WaitForDeliveredAsync(25, host);

        var delivered = scenario.Delivered();
        Assert.True(throttled >= 2, $"the receiver refused {throttled} requests");
        Assert.Equal(25, delivered.Count); // nothing lost, nothing twice
        for (var id = 1; id <= 5; id++)
        {
            Assert.Equal(["v0", "v1", "v2", "v3"], delivered.Where(d => Id(d.Message) == id).Select(d => Status(d.Message)));
        }

        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task A400ParksTheMessageAndTheSlotAdvancesPastIt()
    {
        await using var scenario = await WebhookScenario.CreateAsync(postgres, "wh_400");
        await scenario.ExecuteAsync(Tables);
        scenario.Receiver.Respond = (request, _, _) => Task.FromResult(request.Text.Contains("\"status\":\"poison\"", StringComparison.Ordinal) ? 400 : 200);
        var config = scenario.WriteConfig(sinks: """
              - name: orders-to-webhook
                database: db
                source: { include_tables: ["public.orders"] }
                park_after_failures: 2
                destination:
                  type: webhook
                  http_endpoint: receiver
                  batch: false
            """);
        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, 'poison')");
        var afterPoison = await scenario.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");
        await scenario.ExecuteAsync("INSERT INTO orders VALUES (2, 'fine')");
        await scenario.WaitForDeliveredAsync(1, host);
        await Eventually.UntilAsync(
            async () => await scenario.ScalarAsync<bool>("SELECT to_regclass('sequin_state.parked_messages') IS NOT NULL")
                && await scenario.ScalarAsync<long>("SELECT count(*) FROM sequin_state.parked_messages") == 1,
            () => "the refused row is parked; host output:\n" + host.Output);
        await Eventually.UntilAsync(
            async () => await scenario.ConfirmedFlushAsync() >= (ulong)afterPoison,
            () => "the slot advanced past the parked row; host output:\n" + host.Output);

        Assert.Equal(2, Id(Assert.Single(scenario.Delivered()).Message));
        Assert.Contains("answered 400", await scenario.ScalarAsync<string>("SELECT last_error FROM sequin_state.parked_messages"), StringComparison.Ordinal);
        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task AReceiverThatHangsHitsAckWaitMsAndTheMessageIsRetried()
    {
        await using var scenario = await WebhookScenario.CreateAsync(postgres, "wh_hang");
        await scenario.ExecuteAsync(Tables);
        var hung = 0;
        scenario.Receiver.Respond = async (_, _, ct) =>
        {
            if (Interlocked.Increment(ref hung) == 1)
            {
                await Task.Delay(Timeout.Infinite, ct); // never answers; the sink gives up after ack_wait_ms
            }

            return 200;
        };
        var config = scenario.WriteConfig(sinks: """
              - name: orders-to-webhook
                database: db
                source: { include_tables: ["public.orders"] }
                destination:
                  type: webhook
                  http_endpoint: receiver
                  ack_wait_ms: 1000
            """);
        await using var host = SequinHostProcess.Start(config);
        await scenario.WaitForSlotActiveAsync(host);

        await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, 'new')");
        await scenario.WaitForDeliveredAsync(1, host);

        Assert.True(hung >= 2);
        Assert.Equal(1, Id(Assert.Single(scenario.Delivered()).Message));
        await host.WaitForOutputAsync("did not answer within ack_wait_ms (1000 ms)");
        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task ATlsReceiverWithASelfSignedCertificateIsRefusedWithoutTheCaAndAcceptedWithItAndSignaturesVerify()
    {
        const string Secret = "e2e-signing-secret-0123456789";
        using var certificate = WebhookReceiver.CreateSelfSignedCertificate();
        await using var scenario = await WebhookScenario.CreateAsync(postgres, "wh_tls", certificate);
        await scenario.ExecuteAsync(Tables);
        var caFile = Path.Combine(scenario.Directory, "ca.pem");
        WebhookReceiver.WritePem(certificate, caFile);
        string Sink(string extra) => $$"""
              - name: orders-to-webhook
                database: db
                source: { include_tables: ["public.orders"] }
                destination:
                  type: webhook
                  http_endpoint: receiver
                  signing_secret: {{Secret}}
            {{extra}}
            """;

        // Without the CA: the certificate is refused, nothing is delivered, the test-connection says why.
        var config = scenario.WriteConfig(sinks: Sink(string.Empty));
        var (testExit, testOutput) = await SequinHostProcess.RunToEndAsync("test-connection", "orders-to-webhook", "--config", config, "--plugins-dir", BuildPaths.Plugins);
        Assert.NotEqual(0, testExit);
        Assert.Contains("TLS handshake failed", testOutput, StringComparison.Ordinal);
        await using (var host = SequinHostProcess.Start(config))
        {
            await scenario.WaitForSlotActiveAsync(host);
            await scenario.ExecuteAsync("INSERT INTO orders VALUES (1, 'new')");
            await host.WaitForOutputAsync("SSL");
            Assert.Empty(scenario.Receiver.Requests);
            Assert.Equal(0, await host.StopAsync());
        }

        // With ca_file: delivered (the change made while refused included), and the signature verifies.
        config = scenario.WriteConfig(sinks: Sink($"      ca_file: {caFile}"));
        (testExit, testOutput) = await SequinHostProcess.RunToEndAsync("test-connection", "orders-to-webhook", "--config", config, "--plugins-dir", BuildPaths.Plugins);
        Assert.True(testExit == 0, testOutput);
        Assert.Contains("CN=sequin-webhook-test", testOutput, StringComparison.Ordinal);
        await using (var host = SequinHostProcess.Start(config))
        {
            await scenario.WaitForSlotActiveAsync(host);
            await scenario.WaitForDeliveredAsync(1, host);
            Assert.Equal(0, await host.StopAsync());
            Assert.DoesNotContain(Secret, host.Output, StringComparison.Ordinal);
        }

        var request = Assert.Single(scenario.Receiver.Requests);
        Assert.True(VerifySignature(Secret, request.Headers["Sequin-Signature"], request.Body));
        Assert.False(VerifySignature(Secret + "x", request.Headers["Sequin-Signature"], request.Body));
    }

    // The receiver's recipe from docs/how-to/verify-webhook-signatures.md, as a receiver writes it.
    private static bool VerifySignature(string secret, string header, byte[] body)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var t = parts["t"];
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(t, System.Globalization.CultureInfo.InvariantCulture)) > 300)
        {
            return false;
        }

        var signed = System.Text.Encoding.ASCII.GetBytes(t + ".").Concat(body).ToArray();
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), signed));
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(parts["v1"]));
    }

    private static long Id(JsonElement message) => message.GetProperty("record").GetProperty("id").GetInt64();

    private static string Action(JsonElement message) => message.GetProperty("action").GetString()!;

    private static string Status(JsonElement message) => message.GetProperty("record").GetProperty("status").GetString()!;
}
