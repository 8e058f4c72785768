using Sequin.Host.Cli;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Configuration;

/// <summary>The original Sequin's keys one at a time: what each means here, and its one line when it is ignored or refused.</summary>
public sealed class OriginalKeysTests : IDisposable
{
    private const string Database = """
        databases:
          - name: shop
            hostname: db.internal
            database: shop
            slot: { name: sequin_slot }
            publication: { name: sequin_pub }

        """;

    private readonly TempDirectory _dir = new();

    private static string Sink(string keys) => Database + "sinks:\n  - name: s\n    database: shop\n    destination: { type: fake, hosts: \"b1:9092\", topic: t }\n" + keys;

    [Fact]
    public void TableAndSchemaAreOneTableAndOneSchemaSourcesAndExcludeSource()
    {
        Assert.Equal(["public.users"], Yaml.Load(Sink("    table: users\n")).Config!.Sinks[0].Settings.IncludeTables);
        Assert.Equal(["sales"], Yaml.Load(Sink("    schema: sales\n")).Config!.Sinks[0].Settings.IncludeSchemas);

        var both = Yaml.Load(Sink("    table: public.users\n    source: { include_schemas: [public] }\n"));
        Assert.Equal("sinks[0].table: Give either table, schema or source, not more than one.", Assert.Single(both.Errors).ToString());
    }

    [Fact]
    public void LoadSheddingPolicyIsCheckedAndDiscardOnFullIsWarnedAsNotApplied()
    {
        Assert.Empty(Yaml.Load(Sink("    load_shedding_policy: pause_on_full\n")).Warnings);
        var discard = Yaml.Load(Sink("    load_shedding_policy: discard_on_full\n"));
        Assert.True(discard.IsValid);
        Assert.StartsWith("sinks[0].load_shedding_policy: discard_on_full is not applied", Assert.Single(discard.Warnings).ToString(), StringComparison.Ordinal);
        var wrong = Yaml.Load(Sink("    load_shedding_policy: drop\n"));
        Assert.Equal("sinks[0].load_shedding_policy: Must be one of pause_on_full, discard_on_full (got 'drop').", Assert.Single(wrong.Errors).ToString());
    }

    [Fact]
    public void KeysOfTheOriginalsExportAreIgnoredWithAWarningEach()
    {
        var result = Yaml.Load(Sink("    id: 5b0f\n    health: { status: healthy }\n    active_backfills: []\n"));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(["sinks[0].id", "sinks[0].health", "sinks[0].active_backfills"], result.Warnings.Select(w => w.Path));
    }

    [Fact]
    public void AnUnknownTopLevelMapIsAWarningButAnUnknownTopLevelListIsStillAnError()
    {
        var anchors = Yaml.Load(Database + "defaults: &d { database: shop }\nsinks:\n  - <<: *d\n    name: s\n    destination: { type: fake, hosts: \"b1:9092\", topic: t }\n");
        Assert.True(anchors.IsValid, string.Join("\n", anchors.Errors));
        Assert.Equal("shop", anchors.Config!.Sinks[0].Settings.Database);
        Assert.Equal("defaults", Assert.Single(anchors.Warnings).Path);

        var typo = Yaml.Load(Database + "sink:\n  - name: s\n");
        Assert.StartsWith("sink: Unknown field.", Assert.Single(typo.Errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AMergeKeysOwnKeysWinAndEarlierMergedMapsWinOverLaterOnes()
    {
        var result = Yaml.Load(Database + """
            a: &a { database: shop, batch_size: 5 }
            b: &b { batch_size: 7, max_retry_count: 3 }
            sinks:
              - <<: [*a, *b]
                name: s
                max_retry_count: 9
                destination: { type: fake, hosts: "b1:9092", topic: t }
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var settings = result.Config!.Sinks[0].Settings;
        Assert.Equal((5, 9), (settings.BatchSize, settings.MaxRetryCount));
    }

    [Fact]
    public void InitSqlWithoutCreateIfNotExistsIsWarnedAsNeverRun()
    {
        var result = Yaml.Load(Database.Replace("publication: { name: sequin_pub }", "publication: { name: sequin_pub, init_sql: \"create publication sequin_pub for all tables\" }", StringComparison.Ordinal));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.StartsWith("databases[0].publication.init_sql: Ignored unless create_if_not_exists is true", Assert.Single(result.Warnings).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kafka", "It is provided by the plugin Sequin.Sinks.Kafka, which is not loaded")]
    [InlineData("redis_stream", "It is provided by the plugin Sequin.Sinks.Redis, which is not loaded")]
    [InlineData("rabbitmq", "It is provided by the plugin Sequin.Sinks.RabbitMq, which is not loaded")]
    [InlineData("gcp_pubsub", "'gcp_pubsub' is a sink type of the original Sequin that this project has no plugin for")]
    [InlineData("carrier_pigeon", "Unknown sink type 'carrier_pigeon'. Known types: fake.")]
    public void AnUnknownSinkTypeNamesThePluginThatProvidesIt(string type, string expected)
    {
        var result = Yaml.Load(Database + $"sinks:\n  - name: s\n    database: shop\n    destination: {{ type: {type} }}\n");

        Assert.Contains(expected, Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicationSchemasIsIgnoredWithAWarningAsTheOriginalsLoaderDoes()
    {
        var result = Yaml.Load(Database.Replace("publication: { name: sequin_pub }", "publication: { name: sequin_pub, create_if_not_exists: true, schemas: [public, sales] }", StringComparison.Ordinal));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("databases[0].publication.schemas", warning.Path);
        Assert.StartsWith("Ignored, as by the original's loader: a publication created here covers schema public unless init_sql says otherwise", warning.Message, StringComparison.Ordinal);
        Assert.Null(result.Config!.Databases[0].Publication.InitSql);
    }

    private const string Enrichment = "functions:\n  - { name: e, type: enrichment, code: \"SELECT id, 1 AS one FROM users WHERE id = ANY($1)\" }\n";

    [Fact]
    public void AnEnrichmentFunctionIsTheSinksSqlQuery()
    {
        var result = Yaml.Load(Sink("    table: users\n    enrichment: e\n").Replace("sinks:", Enrichment + "sinks:", StringComparison.Ordinal));

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var function = result.Config!.Sinks[0].EnrichmentFunction!;
        Assert.Equal((Sequin.Functions.FunctionKind.Enrichment, "e"), (function.Kind, function.Name));
        Assert.Equal("SELECT id, 1 AS one FROM users WHERE id = ANY($1)", function.Code);
        Assert.Null(Yaml.Load(Sink("    table: users\n    enrichment: none\n")).Config!.Sinks[0].EnrichmentFunction);
    }

    [Theory]
    [InlineData("    table: users\n    enrichment: missing\n", "sinks[0].enrichment", "Function 'missing' is not defined in functions")]
    [InlineData("    schema: public\n    enrichment: e\n", "sinks[0].enrichment", "a sink with an enrichment function reads exactly one table")]
    [InlineData("    table: users\n    transform: e\n", "sinks[0].transform", "Function 'e' is an enrichment function; transform needs a transform function")]
    public void AnEnrichmentFunctionInTheWrongPlaceIsNamed(string keys, string path, string expected)
    {
        var result = Yaml.Load(Sink(keys).Replace("sinks:", Enrichment + "sinks:", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEnrichmentQueryWithoutDollarOneIsRefusedUnderCode()
    {
        var result = Yaml.Load(Database + "functions:\n  - { name: e, type: enrichment, code: \"SELECT id FROM users\" }\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("functions[0].code", error.Path);
        Assert.Contains("takes the batch's primary keys as $1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARoutingFunctionForASinkTypeOfTheOriginalOnlySaysSo()
    {
        var result = Yaml.Load(Database + "functions:\n  - { name: r, type: routing, sink_type: kinesis, code: \"function route() { return {}; }\" }\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("functions[0].sink_type", error.Path);
        Assert.Contains("'kinesis' is a sink type of the original Sequin that this project has no plugin for", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("address.city", "Must be a dot path starting with one of record, changes, action, metadata")]
    [InlineData("record..city", "Must be a dot path")]
    [InlineData(null, "Required for a path function")]
    public void AMalformedPathIsReportedUnderPath(string? path, string expected)
    {
        var function = path is null ? "{ name: p, type: path }" : $"{{ name: p, type: path, path: \"{path}\" }}";
        var result = Yaml.Load(Database + $"functions:\n  - {function}\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("functions[0].path", error.Path);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("record.address.city", "\"Lyon\"")]
    [InlineData("record.address", "{\"city\":\"Lyon\"}")]
    [InlineData("record.missing.key", "null")]
    [InlineData("record.tags.0", "null")]
    [InlineData("action", "\"insert\"")]
    [InlineData("metadata.table_name", "\"users\"")]
    [InlineData("changes", "null")]
    public async Task APathFunctionsPayloadIsTheValueAtItsPathOrNull(string path, string payload)
    {
        var config = _dir.Write("sequin.yaml", Database + $$"""
            functions:
              - { name: p, type: path, path: "{{path}}" }
            sinks:
              - name: s
                database: shop
                transform: p
                destination: { type: fake, hosts: "b1:9092", topic: t }
            """);
        var message = _dir.Write("message.json", """
            {"record": {"id": 7, "address": {"city": "Lyon"}, "tags": ["a"]}, "changes": null, "action": "insert",
             "metadata": {"table_schema": "public", "table_name": "users", "commit_lsn": 100, "commit_idx": 2, "record_pks": ["7"]}}
            """);
        var options = new SequinCliOptions { RegisteredPlugins = [new FakeSinkPlugin()], DefaultPluginsDirectory = _dir.Path, GetEnvironmentVariable = _ => null };

        var (exit, output, error) = await CliRunner.RunAsync(options, "functions", "test", "--config", config, "--sink", "s", "--message", message);

        Assert.True(exit == 0, error);
        var printed = output[output.IndexOf("payload (transformed by 'p'):", StringComparison.Ordinal)..].Split('\n')[1].Trim();
        Assert.Equal(payload, printed);
    }

    public void Dispose() => _dir.Dispose();
}
