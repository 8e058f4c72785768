using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Sequin.Configuration;
using Sequin.Hosting.AspNetCore.Tests.Support;
using Sequin.Sinks.Kafka;
using Sequin.Sinks.Webhook;

namespace Sequin.Hosting.AspNetCore.Tests;

/// <summary>
/// Issue 18: the API behind the console's new-sink form and routing editor, against a running host (the tool's
/// listener) with a real PostgreSQL: sink types from the loaded plugins' metadata, validation by the parser of
/// <c>sequin validate</c>, the <c>sequin.yaml</c> block, and a routing function run on a real row.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SinkFormsApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task SinkTypesComeFromTheLoadedPluginsWithTheirFieldsRoutableKeysAndDefaultRoutingFunction()
    {
        await using var api = await ApiHost.StartWithPluginsAsync(postgres, "forms_types", new KafkaSink());
        var types = (await api.Client.GetFromJsonAsync<JsonElement>("/api/sink-types")).EnumerateArray().ToList();
        Assert.Equal(["gated", "kafka"], types.Select(t => t.GetProperty("type").GetString()));

        var kafka = await api.Client.GetFromJsonAsync<JsonElement>("/api/sink-types/kafka");
        var fields = kafka.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal(((Sinks.ISinkPlugin)new KafkaSink()).Schema.Fields.Select(f => f.Name), fields.Keys);
        Assert.True(fields["hosts"].GetProperty("required").GetBoolean());
        Assert.True(fields["topic"].GetProperty("routable").GetBoolean());
        Assert.True(fields["password"].GetProperty("secret").GetBoolean());
        Assert.Equal("enum", fields["compression"].GetProperty("type").GetString());
        Assert.Contains("zstd", fields["compression"].GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("whole_number", fields["batch_size"].GetProperty("type").GetString());
        Assert.Equal(1, fields["batch_size"].GetProperty("minimum").GetInt64());
        Assert.Equal(["topic", "message_key"], kafka.GetProperty("routableKeys").EnumerateArray().Select(k => k.GetProperty("name").GetString()));
        Assert.Contains("function route(", kafka.GetProperty("defaultRoutingFunction").GetString(), StringComparison.Ordinal);

        var unknown = await api.Client.GetAsync("/api/sink-types/nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("Known types: gated, kafka", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProposedSinkIsRejectedWithEachErrorByItsFieldAndAValidOneGivesAYamlBlockThatLoadsWithoutItsSecret()
    {
        await using var api = await ApiHost.StartWithPluginsAsync(postgres, "forms_validate", new KafkaSink());
        var bad = await ValidateAsync(api, "kafka", new
        {
            name = "orders",
            database = "elsewhere",
            tables = new[] { "public.t" },
            routing = "static",
            destination = new Dictionary<string, string> { ["hosts"] = "localhost:9092", ["batch_size"] = "0", ["compression"] = "brotli" },
        });
        Assert.False(bad.GetProperty("valid").GetBoolean());
        var errors = bad.GetProperty("errors").EnumerateArray().ToLookup(e => e.GetProperty("field").GetString()!, e => e.GetProperty("message").GetString()!);
        Assert.Contains("batch_size", errors.Select(g => g.Key));
        Assert.Contains("compression", errors.Select(g => g.Key));
        Assert.Contains("topic", errors.Select(g => g.Key)); // static routing requires the routable field
        Assert.Contains(errors["database"], m => m.Contains("not defined in this host's sequin.yaml", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Null, bad.GetProperty("yaml").ValueKind is JsonValueKind.Undefined ? JsonValueKind.Null : bad.GetProperty("yaml").ValueKind);

        var good = await ValidateAsync(api, "kafka", new
        {
            name = "orders-kafka",
            database = "db",
            tables = new[] { "public.t" },
            routing = "dynamic",
            routingFunction = ((Sinks.ISinkPlugin)new KafkaSink()).Routing.DefaultRoutingFunction,
            destination = new Dictionary<string, string>
            {
                ["hosts"] = "localhost:9092", ["topic"] = "ignored-in-dynamic-mode", ["tls"] = "true", ["sasl_mechanism"] = "plain",
                ["username"] = "app", ["password"] = ApiHost.SinkSecret, ["batch_size"] = "200",
            },
        });
        Assert.True(good.GetProperty("valid").GetBoolean(), good.ToString());
        var yaml = good.GetProperty("yaml").GetString()!;
        Assert.DoesNotContain(ApiHost.SinkSecret, yaml, StringComparison.Ordinal);
        Assert.Contains("password: \"${ORDERS_KAFKA_PASSWORD}\"", yaml, StringComparison.Ordinal);
        Assert.Equal(["ORDERS_KAFKA_PASSWORD"], good.GetProperty("variables").EnumerateArray().Select(v => v.GetString()));
        Assert.DoesNotContain("batch_size", yaml, StringComparison.Ordinal); // equal to its default: left out

        // The block, added to a sequin.yaml with the database, loads as sequin validate loads it (YAML, ${VAR}, parser).
        var config = Load(api, yaml, new Dictionary<string, string> { ["ORDERS_KAFKA_PASSWORD"] = "from-the-environment" });
        var sink = Assert.Single(config.Sinks);
        Assert.Equal("orders-kafka", sink.Name);
        Assert.Equal(Sinks.RoutingMode.Dynamic, sink.RoutingMode);
        Assert.Equal(((Sinks.ISinkPlugin)new KafkaSink()).Routing.DefaultRoutingFunction.Trim(), sink.RoutingFunction!.Code.Trim());
        var options = Assert.IsType<KafkaSinkOptions>(sink.Options);
        Assert.Equal("from-the-environment", options.Password);
        Assert.True(options.Tls);
        Assert.Equal(["public.t"], sink.Settings.IncludeTables);
    }

    [Fact]
    public async Task MapFieldsAreOneNameAndValuePerLineAndASecretMapsValuesBecomeVariables()
    {
        await using var api = await ApiHost.StartWithPluginsAsync(postgres, "forms_maps", new WebhookSink());
        var bad = await ValidateAsync(api, "webhook", new
        {
            name = "hooks",
            database = "db",
            routing = "static",
            destination = new Dictionary<string, string> { ["url"] = "http://localhost:9000/hook", ["headers"] = "X-Source: sequin\nno colon here", ["encrypted_headers"] = "Authorization: Bearer t0ken-secret\nAuthorization: again" },
        });
        Assert.False(bad.GetProperty("valid").GetBoolean());
        var errors = bad.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("field").GetString()!, e => e.GetProperty("message").GetString()!);
        Assert.Equal("Line 2: expected 'Name: value' (one entry per line, the name before the first ':').", errors["headers"]);
        Assert.Equal("Line 2: 'Authorization' is given twice.", errors["encrypted_headers"]);
        Assert.DoesNotContain("t0ken-secret", bad.ToString(), StringComparison.Ordinal);

        var good = await ValidateAsync(api, "webhook", new
        {
            name = "hooks",
            database = "db",
            routing = "static",
            destination = new Dictionary<string, string>
            {
                ["url"] = "http://localhost:9000/hook", ["headers"] = "X-Source: sequin\r\n\r\nX-Trace:  a:b ",
                ["encrypted_headers"] = "Authorization: Bearer t0ken-secret", ["http_endpoint_path"] = "/orders",
            },
        });
        Assert.True(good.GetProperty("valid").GetBoolean(), good.ToString());
        var yaml = good.GetProperty("yaml").GetString()!;
        Assert.Contains("headers: { \"X-Source\": \"sequin\", \"X-Trace\": \"a:b\" }", yaml, StringComparison.Ordinal);
        Assert.Contains("encrypted_headers: { \"Authorization\": \"${HOOKS_ENCRYPTED_HEADERS_AUTHORIZATION}\" }", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("t0ken-secret", yaml, StringComparison.Ordinal);
        Assert.Equal(["HOOKS_ENCRYPTED_HEADERS_AUTHORIZATION"], good.GetProperty("variables").EnumerateArray().Select(v => v.GetString()));

        // The block loads back to the maps that were typed, the secret from its variable.
        var sink = Assert.Single(Load(api, yaml, new Dictionary<string, string> { ["HOOKS_ENCRYPTED_HEADERS_AUTHORIZATION"] = "Bearer from-env" }, new WebhookSink()).Sinks);
        var options = Assert.IsType<WebhookSinkOptions>(sink.Options);
        Assert.Equal(new Dictionary<string, string> { ["X-Source"] = "sequin", ["X-Trace"] = "a:b" }, options.Headers);
        Assert.Equal(new Dictionary<string, string> { ["Authorization"] = "Bearer from-env" }, options.EncryptedHeaders);
        Assert.Equal("/orders", options.HttpEndpointPath);
    }

    [Fact]
    public async Task TestConnectionOfAProposedSinkRunsTheSinksOwnTestAndAnInvalidOneIsABadRequest()
    {
        await using var api = await ApiHost.StartWithPluginsAsync(postgres, "forms_connection", new KafkaSink());
        var invalid = await api.Client.PostAsJsonAsync("/api/sink-types/kafka/test-connection", new { name = "k", database = "db", routing = "static", destination = new Dictionary<string, string>() });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("hosts", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var gated = await api.Client.PostAsJsonAsync("/api/sink-types/gated/test-connection", new { name = "g", database = "db", routing = "static", destination = new Dictionary<string, string> { ["label"] = "x", ["api_key"] = ApiHost.SinkSecret } });
        Assert.Equal(HttpStatusCode.OK, gated.StatusCode);
        var result = await gated.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(result.GetProperty("success").GetBoolean(), result.ToString());
        Assert.Equal("connection (static routing)", result.GetProperty("checked").GetString());
    }

    [Fact]
    public async Task ARoutingFunctionRunsOnTheNewestRowOfATableAndItsErrorsComeWithLineAndColumn()
    {
        await using var api = await ApiHost.StartWithPluginsAsync(postgres, "forms_routing", new KafkaSink());
        await api.ExecuteAsync("INSERT INTO t VALUES (1, 10), (42, 420), (7, 70)");
        var code = """
            function route(action, record, changes, metadata) {
              return { topic: "rows-" + record.v, message_key: String(record.id) };
            }
            """;
        var routed = await RunAsync(api, new { type = "kafka", code, database = "db", table = "public.t" });
        Assert.Equal("routed", routed.GetProperty("outcome").GetString());
        var route = routed.GetProperty("route").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!, r => r.GetProperty("value").GetString());
        Assert.Equal("rows-420", route["topic"]);
        Assert.Equal("42", route["message_key"]);
        Assert.Equal("42", routed.GetProperty("groupId").GetString());
        Assert.Equal("table public.t", routed.GetProperty("sample").GetString());
        using (var payload = JsonDocument.Parse(routed.GetProperty("payload").GetString()!))
        {
            Assert.Equal("read", payload.RootElement.GetProperty("action").GetString());
            Assert.Equal(420, payload.RootElement.GetProperty("record").GetProperty("v").GetInt32());
        }

        // An edited message instead of a row.
        var sample = routed.GetProperty("sampleJson").GetString()!.Replace("420", "999", StringComparison.Ordinal);
        var edited = await RunAsync(api, new { type = "kafka", code, message = sample });
        Assert.Equal("rows-999", edited.GetProperty("route").EnumerateArray().First().GetProperty("value").GetString());

        var syntax = await RunAsync(api, new { type = "kafka", code = "function route(action, record) {\n  return { topic: \"a\" \n}\n}}", table = "t" });
        Assert.Equal("failed", syntax.GetProperty("outcome").GetString());
        Assert.Equal(4, syntax.GetProperty("line").GetInt32());
        Assert.Contains("line 4", syntax.GetProperty("error").GetString(), StringComparison.Ordinal);

        var runtime = await RunAsync(api, new { type = "kafka", code = "function route(action, record) {\n  const x = null;\n  return { topic: x.name };\n}", table = "t" });
        Assert.Equal("failed", runtime.GetProperty("outcome").GetString());
        Assert.Equal(3, runtime.GetProperty("line").GetInt32());
        Assert.True(runtime.TryGetProperty("column", out _), runtime.ToString());

        var invalidRoute = await RunAsync(api, new { type = "kafka", code = "function route() { return { topic: \"has space\" }; }" });
        Assert.Equal("failed", invalidRoute.GetProperty("outcome").GetString());
        Assert.Equal("synthetic", invalidRoute.GetProperty("sample").GetString());
        Assert.Contains("topic", invalidRoute.GetProperty("error").GetString(), StringComparison.Ordinal);

        // A table no sink reads (a missing one alike: whether it exists is not told) is refused (Security/HostileOperatorInputTests).
        var noTable = await api.Client.PostAsJsonAsync("/api/routing/run", new { type = "kafka", code, table = "public.missing" });
        Assert.Equal(HttpStatusCode.Forbidden, noTable.StatusCode);
        Assert.Contains("is not a table a sink of database 'db' reads", await noTable.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> ValidateAsync(ApiHost api, string type, object proposal)
    {
        var response = await api.Client.PostAsJsonAsync($"/api/sink-types/{type}/validate", proposal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> RunAsync(ApiHost api, object request)
    {
        var response = await api.Client.PostAsJsonAsync("/api/routing/run", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static SequinConfig Load(ApiHost api, string block, Dictionary<string, string> environment, Sinks.ISinkPlugin? plugin = null)
    {
        var path = Path.Combine(Path.GetTempPath(), "sequin-block-" + Guid.NewGuid().ToString("N")[..8] + ".yaml");
        File.WriteAllText(path, $"databases:\n  - name: db\n    hostname: localhost\n    database: {api.Database}\n    username: postgres\n    slot: {{ name: s }}\n    publication: {{ name: p }}\n{block}");
        try
        {
            var errors = new List<Sinks.ConfigError>();
            var configuration = new ConfigurationBuilder().AddSequinYaml(path, environment.GetValueOrDefault, errors: errors).Build();
            Assert.Empty(errors);
            var result = SequinConfigLoader.Load(configuration, new SinkPluginCatalog([plugin ?? new KafkaSink()]));
            Assert.True(result.IsValid, string.Join("; ", result.Errors));
            return result.Config!;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
