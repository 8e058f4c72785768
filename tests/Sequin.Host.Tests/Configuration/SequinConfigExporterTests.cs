using Sequin.Configuration;
using Sequin.Host.Cli;
using Sequin.Host.Tests.Support;
using Sequin.Sinks;

namespace Sequin.Host.Tests.Configuration;

public sealed class SequinConfigExporterTests
{
    [Fact]
    public void ExportMasksSecrets()
    {
        var config = Yaml.Load(Yaml.ValidConfig).Config!;

        var yaml = SequinConfigExporter.Export(config);

        Assert.DoesNotContain("hunter2", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", yaml, StringComparison.Ordinal);
        Assert.Contains($"password: \"{SinkSchema<object>.MaskedSecret}\"", yaml, StringComparison.Ordinal);
        Assert.Contains("routing: \"by-table\"", yaml, StringComparison.Ordinal);
        Assert.Contains("retries: 3", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportedYamlLoadsBackToTheSameConfig()
    {
        var config = Yaml.Load(Yaml.ValidConfig).Config!;

        var again = Yaml.Load(SequinConfigExporter.Export(config));

        Assert.Empty(again.Errors);
        var a = config.FindSink("orders-static")!;
        var b = again.Config!.FindSink("orders-static")!;
        Assert.Equal(a.Settings with { Actions = null!, GroupColumns = null!, IncludeTables = null! }, b.Settings with { Actions = null!, GroupColumns = null!, IncludeTables = null! });
        Assert.Equal(a.Settings.IncludeTables, b.Settings.IncludeTables);
        Assert.Equal(a.Settings.Actions, b.Settings.Actions);
        Assert.Equal(a.Settings.GroupColumns["public.orders"], b.Settings.GroupColumns["public.orders"]);
        Assert.Equal(config.FindFunction("by-table")!.Code, again.Config.FindFunction("by-table")!.Code);
        Assert.Equal(RoutingMode.Dynamic, again.Config.FindSink("orders-dynamic")!.RoutingMode);
    }

    [Theory]
    [InlineData(true)] // a literal block
    [InlineData(false)] // a quoted string (the code starts with a space)
    public void TemplateLiteralsInFunctionCodeAndDollarBracesInValuesSurviveTheRoundTrip(bool block)
    {
        // In sequin.yaml a literal ${ is written $${ (${VAR} is an environment variable); the exporter must write it so.
        var code = (block ? string.Empty : " ") + "function route(action, record, changes, metadata) {\n  return { topic: `t.$${metadata.table_name}` };\n}";
        var yaml = Yaml.ValidConfig.Replace(
            "code: |-\n      function route(action, record, changes, metadata) {\n        return { topic: metadata.table_name };\n      }",
            "code: " + System.Text.Json.JsonSerializer.Serialize(code),
            StringComparison.Ordinal);
        Assert.NotEqual(Yaml.ValidConfig, yaml);
        var config = Yaml.Load(yaml).Config!;
        Assert.Contains("`t.${metadata.table_name}`", config.FindFunction("by-table")!.Code, StringComparison.Ordinal);

        var exported = SequinConfigExporter.Export(config);
        var again = Yaml.Load(exported);

        Assert.Empty(again.Errors);
        Assert.Equal(config.FindFunction("by-table")!.Code, again.Config!.FindFunction("by-table")!.Code);
        Assert.Contains("$${metadata.table_name}", exported, StringComparison.Ordinal);
        Assert.Equal("\"a $${b}\"", SequinConfigExporter.Quote("a ${b}"));
    }

    [Fact]
    public void ALiteralDollarBraceInAnnotationsIsExportedEscapedSoTheExportDoesNotLoadTheVariable()
    {
        // Issue 29: annotations: {a: "$${PGPASSWORD}"} was exported as "${PGPASSWORD}", and the export, loaded again, put
        // the database password into metadata.consumer.annotations of every message.
        var yaml = Yaml.ValidConfig.Replace("annotations: { team: core }", "annotations: { a: \"$${PGPASSWORD}\", nested: { b: [\"x $${PGPASSWORD}\"] } }", StringComparison.Ordinal);
        Assert.NotEqual(Yaml.ValidConfig, yaml);
        var env = new Dictionary<string, string> { ["PGPASSWORD"] = "the-database-password" };
        var config = SequinConfigLoader.Load(Yaml.ToConfiguration(yaml, env), Yaml.Catalog(), null).Config!;
        Assert.Equal("""{"a":"${PGPASSWORD}","nested":{"b":["x ${PGPASSWORD}"]}}""", config.FindSink("orders-static")!.Settings.Consumer.AnnotationsJson);

        var exported = SequinConfigExporter.Export(config);
        var again = SequinConfigLoader.Load(Yaml.ToConfiguration(exported, env), Yaml.Catalog(), null);

        Assert.Empty(again.Errors);
        Assert.Equal(config.FindSink("orders-static")!.Settings.Consumer.AnnotationsJson, again.Config!.FindSink("orders-static")!.Settings.Consumer.AnnotationsJson);
        Assert.DoesNotContain("the-database-password", again.Config.FindSink("orders-static")!.Settings.Consumer.AnnotationsJson, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExportOfEveryKeyTypeWithLiteralDollarBracesLoadsBackToTheSameConfiguration()
    {
        // Every string value the exporter writes holds a literal ${SECRET} (written $${SECRET}); SECRET is set while both
        // load, so any value written unescaped would come back as the variable's value and change the second export.
        using var dir = new TempDirectory();
        var env = new Dictionary<string, string> { ["SECRET"] = "leaked-value" };
        var catalog = CliConfigLoader.LoadCatalog(new SequinCliOptions { DefaultPluginsDirectory = Yaml.PluginsDirectory, GetEnvironmentVariable = _ => null }, null);
        Assert.Empty(catalog.Failures);
        var yaml = $$$"""
            databases:
              - name: "db"
                hostname: "db.internal"
                database: "shop-$${SECRET}"
                username: "user-$${SECRET}"
                password: "pw-$${SECRET}"
                slot: { name: "slot_a", create_if_not_exists: true }
                publication: { name: "pub_a", create_if_not_exists: true, init_sql: "create publication x for all tables -- $${SECRET}" }
                annotations: { "key": "$${SECRET}", list: ["$${SECRET}", "$$${SECRET}"], map: { inner: "a $${SECRET} b" } }
            functions:
              - name: "route"
                description: "routes $${SECRET}"
                type: routing
                sink_type: kafka
                code: |-
                  function route(action, record, changes, metadata) {
                    return { topic: `t.$${metadata.table_name}` };
                  }
              - name: "path"
                description: "$${SECRET}"
                type: path
                path: record
            sinks:
              - name: "kafka"
                database: "db"
                source: { include_schemas: ["s$${SECRET}"], exclude_tables: ["public.t$${SECRET}"] }
                tables: [{ name: "public.orders$${SECRET}", group_column_names: ["c$${SECRET}"] }]
                annotations: { team: "$${SECRET}" }
                routing: "route"
                transform: "path"
                destination: { type: kafka, hosts: "b1:9092", tls: true, username: "u$${SECRET}", password: "p$${SECRET}", sasl_mechanism: plain }
              - name: "sqs"
                database: "db"
                destination: { type: sqs, queue_url: "https://sqs.us-east-1.amazonaws.com/123456789012/q", region: "us-east-1", access_key_id: "AKIA$${SECRET}", secret_access_key: "s$${SECRET}" }
              - name: "sns"
                database: "db"
                destination: { type: sns, topic_arn: "arn:aws:sns:us-east-1:123456789012:t", region: "us-east-1", access_key_id: "AKIA$${SECRET}", secret_access_key: "s$${SECRET}" }
              - name: "typesense"
                database: "db"
                destination: { type: typesense, endpoint_url: "https://ts.internal:8108", collection_name: "c$${SECRET}", api_key: "k$${SECRET}" }
              - name: "stdout"
                database: "db"
                destination: { type: stdout, path: "{{{dir.Path}}}/out-$${SECRET}.jsonl" }
            http: { listen: "127.0.0.1:7376" }
            metrics: { otlp: { endpoint: "http://127.0.0.1:4317/$${SECRET}" } }
            """;

        var first = SequinConfigLoader.Load(Yaml.ToConfiguration(yaml, env), catalog, dir.Path);
        Assert.Empty(first.Errors);
        var exported = SequinConfigExporter.Export(first.Config!);
        var second = SequinConfigLoader.Load(Yaml.ToConfiguration(exported, env), catalog, dir.Path);

        Assert.Empty(second.Errors);
        Assert.Equal(exported, SequinConfigExporter.Export(second.Config!));
        Assert.DoesNotContain("leaked-value", exported, StringComparison.Ordinal);
        var db = Assert.Single(second.Config!.Databases);
        Assert.Equal("""{"key":"${SECRET}","list":["${SECRET}","$${SECRET}"],"map":{"inner":"a ${SECRET} b"}}""", db.AnnotationsJson);
        Assert.Equal(("shop-${SECRET}", "user-${SECRET}"), (db.Database, db.Username));
        Assert.Equal("""{"team":"${SECRET}"}""", second.Config.FindSink("kafka")!.Settings.Consumer.AnnotationsJson);
        Assert.Equal(["c${SECRET}"], second.Config.FindSink("kafka")!.Settings.GroupColumns["public.orders${SECRET}"]);
        Assert.Contains("collection_name: \"c$${SECRET}\"", exported, StringComparison.Ordinal);
        Assert.Contains("out-$${SECRET}.jsonl", exported, StringComparison.Ordinal);
    }
}
