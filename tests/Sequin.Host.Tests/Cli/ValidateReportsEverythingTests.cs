using Sequin.Configuration;
using Sequin.Host.Cli;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Cli;

/// <summary><c>sequin validate</c> lists every mistake of a file at once, whatever mix of mistakes it holds.</summary>
public sealed class ValidateReportsEverythingTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PluginFolder _plugins = new();

    private SequinCliOptions Options(IDictionary<string, string>? env = null) => new()
    {
        DefaultPluginsDirectory = _plugins.Path,
        RegisteredPlugins = [new FakeSinkPlugin()],
        GetEnvironmentVariable = name => env is not null && env.TryGetValue(name, out var value) ? value : null,
    };

    [Fact]
    public async Task AConfigWithSeveralMistakesReportsEachWithItsKeyPath()
    {
        var path = _dir.Write("sequin.yaml", """
            databases:
              - name: shop
                hostname: db.internal
                database: shop
                port: ${PG_PORT}
                password: ${PG_PASSWORD}
                slot: { name: sequin_slot }
                publication: { name: sequin_pub }
            functions:
              - name: f
                type: filter
                file: ../outside.js
            sinks:
              - name: orders
                database: shop
                destination: { type: fake, hosts: "b1:9092", topic: orders }
              - name: orders
                database: shop
                batch_size: 0
                sorce: {}
                destination: { type: fake, hosts: "b1:9092", topic: "${TOPIC}" }
            """);

        var (exit, output, error) = await CliRunner.RunAsync(Options(), "validate", "--config", path);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        string[] expected =
        [
            "  databases[0].port: Environment variable PG_PORT is not set",
            "  databases[0].password: Environment variable PG_PASSWORD is not set",
            "  sinks[1].destination.topic: Environment variable TOPIC is not set",
            "  functions[0].file: Must not contain '..'",
            "  sinks[1].sorce: Unknown field.",
            "  sinks[1].batch_size: Must be at least 1 (got 0).",
            "  sinks[1].name: Duplicate sink name 'orders'.",
        ];
        foreach (var line in expected)
        {
            Assert.Contains(line, error, StringComparison.Ordinal);
        }

        // The missing variable explains port; "Must be a whole number (got '${PG_PORT}')" would only repeat it.
        Assert.Contains($"{expected.Length} error(s)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("whole number", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnceTheVariablesAreSetTheSameFileHasOnlyItsOtherMistakes()
    {
        var path = _dir.Write("sequin.yaml", Yaml.ValidConfig.Replace("password: hunter2", "password: ${PG_PASSWORD}\n    port: ${PG_PORT}", StringComparison.Ordinal)
            .Replace("batch_size: 50", "batch_size: 0", StringComparison.Ordinal));

        var unset = await CliRunner.RunAsync(Options(), "validate", "--config", path);
        var set = await CliRunner.RunAsync(Options(new Dictionary<string, string> { ["PG_PASSWORD"] = "pw", ["PG_PORT"] = "6543" }), "validate", "--config", path);

        Assert.Contains("3 error(s)", unset.Err, StringComparison.Ordinal);
        Assert.Contains("sinks[0].batch_size", unset.Err, StringComparison.Ordinal);
        Assert.Contains("1 error(s)", set.Err, StringComparison.Ordinal);
        Assert.Contains("sinks[0].batch_size", set.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateNamesAreReportedEvenWhenTheItemHasOtherErrors()
    {
        var yaml = Yaml.ValidConfig
            .Replace("- name: orders-dynamic", "- name: orders-static", StringComparison.Ordinal)
            .Replace("status: disabled", "status: paused", StringComparison.Ordinal)
            .Replace("- name: only-big\n    type: filter", "- name: by-table\n    type: filter\n    sink_type: fake", StringComparison.Ordinal)
            .Replace("databases:\n", "databases:\n  - name: shop\n    hostname: h\n    slot: { name: s }\n    publication: { name: p }\n", StringComparison.Ordinal);

        var errors = Yaml.Load(yaml).Errors;

        Assert.Contains(errors, e => e.Path == "sinks[1].status");
        Assert.Contains(errors, e => e.Path == "sinks[1].name" && e.Message == "Duplicate sink name 'orders-static'.");
        Assert.Contains(errors, e => e.Path == "functions[1].sink_type");
        Assert.Contains(errors, e => e.Path == "functions[1].name" && e.Message == "Duplicate function name 'by-table'.");
        Assert.Contains(errors, e => e.Path == "databases[0].database");
        Assert.Contains(errors, e => e.Path == "databases[1].name" && e.Message == "Duplicate database name 'shop'.");
    }

    [Fact]
    public async Task NoErrorQuotesASecretOrAFunctionFile()
    {
        const string password = "pw-SECRET-6d1e";
        const string fileSecret = "FILE-SECRET-77aa";
        _dir.Write("filter.js", $"function filter(action, record, changes, metadata) {{ throw \"{fileSecret}\"; }}\n");
        _dir.Write("notes.js", $"token: {fileSecret}\n");
        var path = _dir.Write("sequin.yaml", $$"""
            databases:
              - name: shop
                url: postgres://app:${PG_PASSWORD}@db:5432/shop
                password: ${PG_PASSWORD}
                slot: { name: sequin_slot }
                publication: { name: sequin_pub }
            functions:
              - { name: f1, type: filter, file: filter.js }
              - { name: f2, type: filter, file: notes.js }
              - { name: f3, type: filter, file: ../{{Path.GetFileName(_dir.Path)}}/notes.js }
            sinks:
              - name: s
                database: shop
                destination: { type: fake, hosts: "b1:9092", topic: t, password: "${PG_PASSWORD}", retries: "${PG_PASSWORD}" }
              - name: s
                database: shop
                destination: { type: fake, hosts: "b1:9092", topic: "${MISSING}" }
            """);

        var (exit, output, error) = await CliRunner.RunAsync(Options(new Dictionary<string, string> { ["PG_PASSWORD"] = password }), "validate", "--config", path);

        Assert.Equal(1, exit);
        Assert.Contains("databases[0].url: Give either url or hostname", error, StringComparison.Ordinal);
        Assert.Contains("functions[0].file: Function 'f1' (read from", error, StringComparison.Ordinal);
        Assert.Contains("functions[1].file: Function 'f2' (read from", error, StringComparison.Ordinal);
        Assert.Contains("functions[2].file: Must not contain '..'", error, StringComparison.Ordinal);
        Assert.Contains("sinks[1].name: Duplicate sink name 's'.", error, StringComparison.Ordinal);
        Assert.Contains("sinks[1].destination.topic: Environment variable MISSING is not set", error, StringComparison.Ordinal);
        Assert.Contains("sinks[0].destination.retries: Must be a whole number (got '${PG_PASSWORD}').", error, StringComparison.Ordinal);
        Assert.DoesNotContain(fileSecret, output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", output + error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _plugins.Dispose();
        _dir.Dispose();
    }
}
