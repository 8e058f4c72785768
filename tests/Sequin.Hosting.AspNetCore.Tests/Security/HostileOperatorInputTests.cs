using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Sequin.Hosting.AspNetCore.SinkForms;
using Sequin.Hosting.AspNetCore.Tests.Support;
using Sequin.Sinks.Kafka;

namespace Sequin.Hosting.AspNetCore.Tests.Security;

/// <summary>
/// Issue 29, the attack suite of the management API against hostile input of someone at the console
/// (docs/reference/security.md, "Console" and "Test connection"): the routing editor's sample row reads only tables a
/// sink reads; a proposed sink's connection test reaches no link-local or metadata address and tells no port state.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileOperatorInputTests(PostgresFixture postgres)
{
    private const string Route = "function route(action, record, changes, metadata) { return {}; }";

    [Fact]
    public async Task TheSampleRowIsReadOnlyFromATableASinkReadsAndNeverFromCatalogsOtherSchemasOrSequinState()
    {
        await using var api = await ApiHost.StartAsync(postgres, "sample_scope", "127.0.0.1:0");
        await api.ExecuteAsync("INSERT INTO t VALUES (5, 50)");
        await api.ExecuteAsync("CREATE SCHEMA hidden; CREATE TABLE hidden.secrets (id int PRIMARY KEY, secret text); INSERT INTO hidden.secrets VALUES (1, 'hidden-value-7d1c')");
        await api.ExecuteAsync("ALTER ROLE postgres PASSWORD 'role-password-3e9a'");

        foreach (var table in new[] { "pg_catalog.pg_authid", "pg_authid", "information_schema.tables", "pg_catalog.pg_class", "hidden.secrets", "sequin_state.parked_messages", "public.nope", "a.b.c.d", "\"T\"" })
        {
            using var response = await api.Client.PostAsJsonAsync("/api/routing/run", new { type = "gated", code = Route, table });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{table}: {(int)response.StatusCode} {body}");
            Assert.Contains("a sink of database 'db' reads", body, StringComparison.Ordinal);
            Assert.DoesNotContain("SCRAM-SHA-256", body, StringComparison.Ordinal);
            Assert.DoesNotContain("hidden-value-7d1c", body, StringComparison.Ordinal);
        }

        // The sink's own table still gives its newest row.
        var run = await api.Client.PostAsJsonAsync("/api/routing/run", new { type = "gated", code = Route, table = "public.t" });
        var result = await run.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        Assert.Equal("table public.t", result.GetProperty("sample").GetString());
        Assert.Contains("\"id\":5,", result.GetProperty("sampleJson").GetString()!.Replace(" ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProposedSinksConnectionTestRefusesMetadataNamesAndLinkLocalAddressesOfAnySinkType()
    {
        await using var api = await ApiHost.StartWithPluginsAsync(postgres, "ssrf", new KafkaSink());

        // metadata.google.internal does not resolve here: before the fix the test tried it (and told the failure apart).
        var response = await api.Client.PostAsJsonAsync("/api/sink-types/kafka/test-connection", Kafka("metadata.google.internal:80"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("destination.hosts", body, StringComparison.Ordinal);
        Assert.Contains("metadata", body, StringComparison.Ordinal);

        // The addresses themselves are checked without connecting (no packet leaves this machine in a test).
        foreach (var value in new[]
        {
            "http://169.254.169.254/latest/meta-data/", "169.254.169.254:80", "[fe80::1]:9092", "http://[fe80::1%25eth0]/", "http://100.100.100.200/",
            "http://[fd00:ec2::254]/", "http://[::ffff:169.254.169.254]/", "broker:9092,169.254.1.1:9092", "http://metadata/computeMetadata/v1/",
        })
        {
            Assert.True(await DestinationAddressCheck.ProblemAsync([new("hosts", value)], CancellationToken.None) is not null, value);
        }

        foreach (var value in new[] { "127.0.0.1:9092", "http://127.0.0.1:8108", "orders", "metadata", "events.v1", "http://10.0.0.5:8108", "-" })
        {
            Assert.True(await DestinationAddressCheck.ProblemAsync([new("hosts", value)], CancellationToken.None) is null, value);
        }
    }

    [Fact]
    public async Task AProposedWebhookSinksConnectionTestRefusesMetadataAddressesInItsUrlAndItsHost()
    {
        await using var api = await ApiHost.StartWithPluginsAsync(postgres, "ssrf_webhook", new Sequin.Sinks.Webhook.WebhookSink());

        foreach (var destination in new[]
        {
            new Dictionary<string, string> { ["url"] = "http://169.254.169.254/latest/meta-data/" },
            new Dictionary<string, string> { ["scheme"] = "http", ["host"] = "metadata" }, // a bare name: refused because the key is host
            new Dictionary<string, string> { ["scheme"] = "http", ["host"] = "169.254.169.254", ["port"] = "80" },
        })
        {
            var response = await api.Client.PostAsJsonAsync("/api/sink-types/webhook/test-connection", new { name = "w", database = "db", routing = "static", destination });
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(destination.ContainsKey("url") ? "destination.url" : "destination.host", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AProposedSinksConnectionTestAnswersTheSameForAClosedPortAndAnOpenPortOfAnotherProtocol()
    {
        await using var api = await ApiHost.StartWithPluginsAsync(postgres, "port_states", new KafkaSink());

        // A port that speaks something else (it answers every connection with an HTTP error and closes) ...
        using var open = new TcpListener(IPAddress.Loopback, 0);
        open.Start();
        using var serving = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!serving.IsCancellationRequested)
            {
                using var socket = await open.AcceptSocketAsync(serving.Token);
                await socket.SendAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), SocketFlags.None, serving.Token);
                socket.Shutdown(SocketShutdown.Both);
            }
        });

        // ... and one nothing listens on.
        int closedPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var answers = new List<string>();
        foreach (var port in new[] { ((IPEndPoint)open.LocalEndpoint).Port, closedPort })
        {
            var response = await api.Client.PostAsJsonAsync("/api/sink-types/kafka/test-connection", Kafka($"127.0.0.1:{port}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var result = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(result.GetProperty("success").GetBoolean());
            answers.Add(result.GetProperty("message").GetString()!);
        }

        await serving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server);
        Assert.Equal(SinkProposalConnection.GenericFailure, answers[0]);
        Assert.Equal(answers[0], answers[1]);

        // The reason is in the log, for the operator.
        Assert.Equal(2, api.Logs.Entries.Count(e => e.EventId.Id == 7105));
    }

    private static object Kafka(string hosts) => new
    {
        name = "k",
        database = "db",
        routing = "static",
        destination = new Dictionary<string, string> { ["hosts"] = hosts, ["topic"] = "events" },
    };
}
