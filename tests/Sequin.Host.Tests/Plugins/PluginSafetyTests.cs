using Sequin.Host.Cli;
using Sequin.Hosting.Plugins;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Plugins;

/// <summary>A plugin cannot replace a shipped sink, and one whose metadata throws is skipped with its reason.</summary>
public sealed class PluginSafetyTests : IDisposable
{
    private readonly PluginFolder _plugins = new();
    private readonly TempDirectory _dir = new();

    private string ShippedStdoutPath => Path.Combine(_plugins.Path, "Sequin.Sinks.Stdout", "Sequin.Sinks.Stdout.dll");

    [Fact]
    public void TheHostKnowsTheFoldersItShips()
    {
        Assert.Equal(
            ["Sequin.Sinks.Kafka", "Sequin.Sinks.Nats", "Sequin.Sinks.Postgres", "Sequin.Sinks.RabbitMq", "Sequin.Sinks.Redis", "Sequin.Sinks.Sns", "Sequin.Sinks.Sqs", "Sequin.Sinks.Stdout", "Sequin.Sinks.Typesense", "Sequin.Sinks.Webhook"],
            PluginDirectory.ShippedFolders.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void APluginClaimingAShippedSinksTypeNameIsAnErrorNamingBothAndTheShippedSinkWins()
    {
        // "Aaa" sorts before "Sequin.Sinks.Stdout" and is a working plugin of type stdout.
        _plugins.AddStdoutImpostor("Aaa");

        var result = PluginDirectory.Load(_plugins.Path);
        var catalog = PluginDirectory.CreateCatalog(_plugins.Path, []);

        var loaded = Assert.Single(result.Plugins);
        Assert.Equal(ShippedStdoutPath, loaded.AssemblyPath);
        var failure = Assert.Single(result.Failures);
        var impostor = Path.Combine(_plugins.Path, "Aaa", "Aaa.dll");
        Assert.Equal(impostor, failure.Source);
        Assert.Equal(
            $"Aaa.Plugin claims the sink type 'stdout' of the shipped sink Sequin.Sinks.Stdout ({ShippedStdoutPath}); the shipped sink is used and this plugin is not loaded. Give the plugin a type name of its own.",
            failure.Reason);
        Assert.True(catalog.TryGetPlugin("stdout", out var stdout));
        Assert.Equal("Sequin.Sinks.Stdout.StdoutSink", stdout.GetType().FullName);
        Assert.Equal(ShippedStdoutPath, stdout.GetType().Assembly.Location);
    }

    [Fact]
    public void APluginWhoseMetadataThrowsIsSkippedWithTheReasonAndTheOthersLoad()
    {
        _plugins.AddWithGetters("BadName", new Dictionary<string, string?> { ["TypeName"] = null });
        _plugins.AddWithGetters("BadSchema", new Dictionary<string, string?> { ["TypeName"] = "bad-schema", ["Description"] = "d", ["Schema"] = null });
        _plugins.AddWithGetters("BadDescription", new Dictionary<string, string?> { ["TypeName"] = "bad-description", ["Description"] = null });

        var result = PluginDirectory.Load(_plugins.Path);

        Assert.Equal("stdout", Assert.Single(result.Plugins).Plugin.TypeName);
        Assert.Equal(3, result.Failures.Count);
        Assert.Equal(
            "Reading BadName.Plugin.TypeName threw NullReferenceException: TypeName is broken",
            Assert.Single(result.Failures, f => f.Source.EndsWith("BadName.dll", StringComparison.Ordinal)).Reason);
        Assert.Equal(
            "Reading BadSchema.Plugin.Schema threw NullReferenceException: Schema is broken",
            Assert.Single(result.Failures, f => f.Source.EndsWith("BadSchema.dll", StringComparison.Ordinal)).Reason);
        Assert.Equal(
            "Reading BadDescription.Plugin.Description threw NullReferenceException: Description is broken",
            Assert.Single(result.Failures, f => f.Source.EndsWith("BadDescription.dll", StringComparison.Ordinal)).Reason);
    }

    [Fact]
    public async Task CommandsStillRunWithPluginsWhoseMetadataThrowsAndListThemWithTheirReasons()
    {
        _plugins.AddWithGetters("BadName", new Dictionary<string, string?> { ["TypeName"] = null });
        _plugins.AddWithGetters("BadSchema", new Dictionary<string, string?> { ["TypeName"] = "bad-schema", ["Description"] = "d", ["Schema"] = null });
        _plugins.AddStdoutImpostor("Aaa");
        var options = new SequinCliOptions { DefaultPluginsDirectory = _plugins.Path, GetEnvironmentVariable = _ => null };
        var config = _dir.Write("sequin.yaml", """
            databases:
              - name: shop
                hostname: 127.0.0.1
                database: shop
                slot: { name: sequin_slot }
                publication: { name: sequin_pub }
            sinks:
              - name: to-stdout
                database: shop
                destination: { type: stdout }
            """);

        var plugins = await CliRunner.RunAsync(options, "plugins");
        var validate = await CliRunner.RunAsync(options, "validate", "--config", config);

        Assert.Equal(1, plugins.Exit);
        Assert.Contains("stdout: Writes each change", plugins.Out, StringComparison.Ordinal);
        Assert.Contains("Failed to load (3):", plugins.Out, StringComparison.Ordinal);
        Assert.Contains("Reading BadName.Plugin.TypeName threw NullReferenceException: TypeName is broken", plugins.Out, StringComparison.Ordinal);
        Assert.Contains("Reading BadSchema.Plugin.Schema threw NullReferenceException: Schema is broken", plugins.Out, StringComparison.Ordinal);
        Assert.Contains("Aaa.Plugin claims the sink type 'stdout' of the shipped sink Sequin.Sinks.Stdout", plugins.Out, StringComparison.Ordinal);
        Assert.Equal(0, validate.Exit);
        Assert.Contains("sink to-stdout: stdout from shop", validate.Out, StringComparison.Ordinal);
        Assert.Contains("warning: plugin", validate.Err, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _plugins.Dispose();
        _dir.Dispose();
    }
}
