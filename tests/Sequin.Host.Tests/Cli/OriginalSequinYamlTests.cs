using Sequin.Configuration;
using Sequin.Functions;
using Sequin.Host.Cli;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Cli;

/// <summary>
/// Issue 16: <c>sequin validate</c>, with the shipped plugins, over configs written for the original Sequin: its own
/// end-to-end config, one using every key of its YAML reference for the parts this project has (accepted, with one
/// warning per key for things this project has no use for), and one of the keys it refuses (one error line each).
/// </summary>
public sealed class OriginalSequinYamlTests
{
    private static readonly SequinCliOptions Options = new()
    {
        DefaultPluginsDirectory = Yaml.PluginsDirectory,
        GetEnvironmentVariable = _ => null,
    };

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Original", name);

    private static SequinConfig Load(string name)
    {
        var result = CliConfigLoader.Load(Fixture(name), CliConfigLoader.LoadCatalog(Options, null), Options);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Config!;
    }

    [Fact]
    public async Task TheOriginalsOwnEndToEndConfigValidatesWithOneWarningForAccount()
    {
        var (exit, output, error) = await CliRunner.RunAsync(Options, "validate", "--config", Fixture("e2e-sequin.yml"));

        Assert.Equal(0, exit);
        Assert.Contains("1 database(s), 0 function(s), 2 sink(s), 1 warning(s).", output, StringComparison.Ordinal);
        Assert.Contains("sink demo-to-kafka: kafka from e2e-database", output, StringComparison.Ordinal);
        Assert.Contains("sink demo-to-sqs: sqs from e2e-database", output, StringComparison.Ordinal);
        Assert.Equal(["warning: account: Ignored: this project has no accounts (one process, one config); remove the key. See docs/how-to/migrate-from-sequin.md."], Lines(error));
    }

    [Fact]
    public void TheOriginalsEndToEndConfigKeepsItsMeaning()
    {
        var config = Load("e2e-sequin.yml");

        var db = Assert.Single(config.Databases);
        Assert.Equal(("postgres", "sequin_test", "postgres"), (db.Hostname, db.Database, db.Password)); // ${VAR:-default}
        Assert.Equal(5, db.PoolSize);
        Assert.Contains("Maximum Pool Size=5", db.BuildConnectionString(), StringComparison.Ordinal);
        Assert.Equal(new AwaitDatabaseConfig(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5)), db.AwaitDatabase);
        Assert.Equal("create publication sequin_e2e_pub for all tables with (publish_via_partition_root = true)", db.Publication.InitSql);
        Assert.Equal(["public.kafka_test_table"], config.FindSink("demo-to-kafka")!.Settings.IncludeTables);
        Assert.Equal(["public.sqs_test_table"], config.FindSink("demo-to-sqs")!.Settings.IncludeTables);
        Assert.Equal(10, config.FindSink("demo-to-sqs")!.Settings.BatchSize);

        // use_emulator + emulator_base_url send SQS requests to the emulator, as endpoint_url does; the export keeps the user's keys.
        var sqs = config.FindSink("demo-to-sqs")!.Options; // the plugin's own type, loaded from the plugins folder
        Assert.Equal(new Uri("http://localstack:4566"), sqs.GetType().GetProperty("EffectiveEndpointUrl")!.GetValue(sqs));
        var exported = SequinConfigExporter.Export(config);
        Assert.Contains("use_emulator: true", exported, StringComparison.Ordinal);
        Assert.Contains("emulator_base_url: \"http://localstack:4566\"", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("endpoint_url:", exported, StringComparison.Ordinal);
        Assert.Contains("init_sql: \"create publication sequin_e2e_pub", exported, StringComparison.Ordinal);
        Assert.Contains("pool_size: 5", exported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryReferenceKeyForWhatThisProjectHasIsAcceptedAndTheRestWarnedOncePerKey()
    {
        var (exit, output, error) = await CliRunner.RunAsync(Options, "validate", "--config", Fixture("every-key.yaml"));

        Assert.Equal(0, exit);
        Assert.Contains("1 database(s), 5 function(s), 11 sink(s), 4 warning(s).", output, StringComparison.Ordinal);
        Assert.Contains("function my-path-function: path record", output, StringComparison.Ordinal);
        Assert.Equal(["account", "users", "api_tokens", "base_sink_config"], Lines(error).Select(l => l.Split(':')[1].Trim()));
    }

    [Fact]
    public void EveryReferenceKeyKeepsItsMeaning()
    {
        var config = Load("every-key.yaml");

        // YAML anchors with merge keys: the base's database, schema and transform, under the sink's own name.
        var audit = config.FindSink("audit-logging")!;
        Assert.Equal(("my-database", "my-transform-function"), (audit.Settings.Database, audit.TransformFunction!.Name));
        Assert.Equal(["public"], audit.Settings.IncludeSchemas);
        Assert.Equal(["public.users"], config.FindSink("one-table")!.Settings.IncludeTables);
        Assert.Equal(SinkStatus.Disabled, config.FindSink("one-table")!.Status);
        var enrichment = config.FindSink("one-table")!.EnrichmentFunction!;
        Assert.Equal((FunctionKind.Enrichment, "my-enrichment-function"), (enrichment.Kind, enrichment.Name));
        Assert.EndsWith("WHERE u.id = ANY($1)", enrichment.Code, StringComparison.Ordinal);

        var mySink = config.FindSink("my-sink")!;
        Assert.Equal(("my-path-function", "my-filter-function", "my-routing-function"), (mySink.TransformFunction!.Name, mySink.FilterFunction!.Name, mySink.RoutingFunction!.Name));
        Assert.Equal("record", mySink.TransformFunction.Path);
        Assert.Equal(["account_id"], mySink.Settings.GroupColumns["public.users"]);
        Assert.Equal(10, Assert.Single(config.Databases).PoolSize);

        // The export reads back to the same config, path functions and emulator URLs included.
        var exported = SequinConfigExporter.Export(config);
        Assert.Contains("type: path", exported, StringComparison.Ordinal);
        Assert.Contains("enrichment: \"my-enrichment-function\"", exported, StringComparison.Ordinal);
        var again = Yaml.Load(exported, CliConfigLoader.LoadCatalog(Options, null));
        Assert.True(again.IsValid, string.Join("\n", again.Errors));
        Assert.Equal(exported, SequinConfigExporter.Export(again.Config!));
    }

    [Fact]
    public async Task KeysWhoseAbsenceWouldChangeWhatIsDeliveredAreRefusedWithOneLineEach()
    {
        var (exit, output, error) = await CliRunner.RunAsync(Options, "validate", "--config", Fixture("refused.yaml"));

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("4 error(s)", error, StringComparison.Ordinal);
        string[] expected =
        [
            "change_retentions: Not supported: this project does not write change retention tables",
            "databases[0].primary: Not supported: this project reads changes from a primary only",
            "functions[0].code: This is Elixir ('def transform(action, record, changes, metadata) do'), from the original Sequin; functions here are JavaScript",
            "http_endpoints[0].use_local_tunnel: Not supported: this project has no local tunnel",
        ];
        foreach (var line in expected)
        {
            Assert.Single(Lines(error), l => l.StartsWith(line, StringComparison.Ordinal));
        }

        Assert.DoesNotContain("http_endpoints: Ignored", error, StringComparison.Ordinal); // the webhook sink uses them
        Assert.DoesNotContain("sinks[1]", error, StringComparison.Ordinal); // the Kafka sink with sasl_mechanism aws_msk_iam is accepted
    }

    [Fact]
    public async Task TheOriginalsKafkaExampleWithSaslOverPlaintextGivesOneErrorSayingWhyAndWhatToChange()
    {
        // The original's Kafka example: sasl_mechanism plain with tls: false. Kept refused (the password would cross the
        // network unencrypted), as one error naming both ways out; docs/how-to/migrate-from-sequin.md explains it.
        using var dir = new TempDirectory();
        const string Sink = """
            databases:
              - name: db
                hostname: localhost
                database: app
                slot: { name: s, create_if_not_exists: true }
                publication: { name: p, create_if_not_exists: true }
            sinks:
              - name: kafka
                database: db
                destination:
                  type: kafka
                  hosts: "localhost:9092"
                  topic: "my-topic"
                  tls: false
                  username: "kafka-user"
                  password: "kafka-pass"
                  sasl_mechanism: plain
            """;
        var refused = dir.Write("refused.yaml", Sink);
        var allowed = dir.Write("allowed.yaml", Sink + "\n      allow_sasl_plaintext: true\n");

        var (exit, _, error) = await CliRunner.RunAsync(Options, "validate", "--config", refused);
        var (allowedExit, allowedOutput, _) = await CliRunner.RunAsync(Options, "validate", "--config", allowed);

        Assert.Equal(1, exit);
        var line = Assert.Single(Lines(error), l => l.Contains("sinks[0].destination.", StringComparison.Ordinal));
        Assert.Contains("sinks[0].destination.tls", line, StringComparison.Ordinal);
        Assert.Contains("Set tls: true, or allow_sasl_plaintext: true", line, StringComparison.Ordinal);
        Assert.DoesNotContain("kafka-pass", error, StringComparison.Ordinal);
        Assert.Equal(0, allowedExit);
        Assert.Contains("sink kafka: kafka from db", allowedOutput, StringComparison.Ordinal);
        var guide = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "how-to", "migrate-from-sequin.md"));
        Assert.Contains("`sasl_mechanism` (`plain`, `scram_*`) with `tls: false`", guide, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sequin.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Sequin.sln not found above " + AppContext.BaseDirectory);
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
