using Sequin.Configuration;
using Sequin.Host.Cli;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Cli;

/// <summary>
/// Issue 31: the original's <c>http_endpoints</c> and <c>webhook</c> sinks (Fixtures/Original/webhook.yaml) validate with
/// the shipped webhook plugin, keep their meaning, report mistakes under the endpoint's own path, and export back with
/// the secret header values masked.
/// </summary>
public sealed class OriginalWebhookYamlTests
{
    private static readonly SequinCliOptions Options = new()
    {
        DefaultPluginsDirectory = Yaml.PluginsDirectory,
        GetEnvironmentVariable = _ => null,
    };

    private static string Fixture => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Original", "webhook.yaml");

    private static SequinConfig Load()
    {
        var result = CliConfigLoader.Load(Fixture, CliConfigLoader.LoadCatalog(Options, null), Options);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Config!;
    }

    private static object? Property(object options, string name) => options.GetType().GetProperty(name)!.GetValue(options);

    [Fact]
    public async Task TheOriginalsWebhookExampleValidatesWithoutWarnings()
    {
        var (exit, output, error) = await CliRunner.RunAsync(Options, "validate", "--config", Fixture);

        Assert.Equal(0, exit);
        Assert.Contains("is valid: 1 database(s), 0 function(s), 2 sink(s).", output, StringComparison.Ordinal);
        Assert.Contains("sink user-changes: webhook from my-database", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public void TheEndpointsKeysBecomeTheSinksOwn()
    {
        var config = Load();

        var users = config.FindSink("user-changes")!.Options; // the plugin's own type, loaded from the plugins folder
        Assert.Equal(new Uri("https://api.example.com/webhook"), Property(users, "Url"));
        Assert.Equal("application/json", ((IReadOnlyDictionary<string, string>)Property(users, "Headers")!)["Content-Type"]);
        Assert.Equal("Bearer token-from-the-environment", ((IReadOnlyDictionary<string, string>)Property(users, "EncryptedHeaders")!)["Authorization"]);
        Assert.Equal(true, Property(users, "Batch")); // the original's default
        var orders = config.FindSink("order-changes")!.Options;
        Assert.Equal(("hooks.example.com", 8443, "/orders", false), (Property(orders, "Host"), Property(orders, "Port"), Property(orders, "HttpEndpointPath"), Property(orders, "Batch")));
    }

    [Fact]
    public void TheExportKeepsHttpEndpointsMasksSecretHeaderValuesAndReadsBack()
    {
        var exported = SequinConfigExporter.Export(Load());

        Assert.Contains("http_endpoints:\n  - name: \"webhook-endpoint\"\n    url: \"https://api.example.com/webhook\"", exported, StringComparison.Ordinal);
        Assert.Contains("encrypted_headers: { \"Authorization\": \"********\" }", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("token-from-the-environment", exported, StringComparison.Ordinal);
        Assert.Contains("      http_endpoint: \"split-endpoint\"", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("      host:", exported, StringComparison.Ordinal); // under http_endpoints, not the destination
        var again = Yaml.Load(exported, CliConfigLoader.LoadCatalog(Options, null));
        Assert.True(again.IsValid, string.Join("\n", again.Errors));
        Assert.Equal(exported, SequinConfigExporter.Export(again.Config!));
    }

    [Fact]
    public void MistakesInAnEndpointAreReportedUnderItsOwnPathAndAnUnknownNameListsTheDefinedOnes()
    {
        const string Text = """
            databases:
              - { name: db, hostname: localhost, database: db, slot: { name: s }, publication: { name: p } }
            http_endpoints:
              - { name: bad, scheme: ftp, host: "a.example.com" }
              - { name: good, url: "https://a.example.com" }
            sinks:
              - { name: one, database: db, destination: { type: webhook, http_endpoint: bad } }
              - { name: two, database: db, destination: { type: webhook, http_endpoint: missing } }
              - { name: three, database: db, destination: { type: webhook, http_endpoint: good, url: "https://b.example.com" } }
            """;

        var result = Yaml.Load(Text, CliConfigLoader.LoadCatalog(Options, null));

        Assert.Contains(result.Errors, e => e.Path == "http_endpoints[0].scheme" && e.Message.Contains("http or https", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Path == "sinks[1].destination.http_endpoint" && e.Message.Contains("'missing' is not defined in http_endpoints. Defined: bad, good.", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Path == "sinks[2].destination.url" && e.Message.Contains("Given both here and in http_endpoints[1]", StringComparison.Ordinal));
    }
}
