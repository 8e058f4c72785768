using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Sequin.Templates.Tests.Support;
using Sequin.TestServers;
using Xunit.Abstractions;

namespace Sequin.Templates.Tests;

/// <summary>
/// <c>dotnet new sequin-sink</c> from the packed template to a plugin running in the installed host (see
/// <see cref="GeneratedSinks"/>): both generated sinks build without warnings and pass their generated tests; the
/// installed tool lists the generated plugin, validates a config using it, and delivers a change from a real PostgreSQL
/// through it to an HTTP listener in this test.
/// </summary>
public sealed class SequinSinkTemplateTests(PostgresFixture postgres, GeneratedSinks generated, ITestOutputHelper output)
    : IClassFixture<PostgresFixture>, IClassFixture<GeneratedSinks>
{
    [Fact]
    public void TemplateIsInstalledFromThePackedNupkg()
    {
        WriteTimings();
        Assert.Contains("sequin-sink", generated.InstallOutput, StringComparison.Ordinal);
        Assert.Contains($"Sequin.Templates@{RepositoryPaths.PackageVersion}", generated.InstallOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void TemplateDefaultsToThePackagesVersionOfThisRepository()
    {
        var template = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "templates", "Sequin.Templates", "content", "sequin-sink", ".template.config", "template.json")))!;
        Assert.Equal(RepositoryPaths.PackageVersion, (string?)template["symbols"]!["sequinVersion"]!["defaultValue"]);
        var props = XDocument.Load(Path.Combine(generated.Webhook.Folder(generated.WorkDirectory), "Directory.Build.props"));
        Assert.Equal(RepositoryPaths.PackageVersion, props.Descendants("SequinVersion").Single().Value);
    }

    [Theory]
    [InlineData("Webhook")]
    [InlineData("Orders")]
    public void GeneratedSinkBuildsWithoutWarningsAndPassesItsTests(string name)
    {
        WriteTimings();
        var sink = name == "Webhook" ? generated.Webhook : generated.Orders;
        output.WriteLine($"dotnet new → green generated tests: {sink.NewToGreenTests.TotalSeconds:F1} s");
        output.WriteLine(sink.TestOutput);

        Assert.Contains("0 Warning(s)", sink.BuildOutput, StringComparison.Ordinal);
        Assert.Contains("0 Error(s)", sink.BuildOutput, StringComparison.Ordinal);
        Assert.Matches(@"Passed!\s+- Failed:\s+0, Passed:\s+(1[5-9]|[2-9]\d)", sink.TestOutput);

        // The files named after their role, under the requested names.
        var project = Path.Combine(sink.Folder(generated.WorkDirectory), sink.Project);
        foreach (var file in new[] { $"{name}SinkOptions.cs", $"{name}Sink.cs", $"{name}Delivery.cs", $"{name}Delivery.ConnectionTests.cs", $"{name}SinkServiceCollectionExtensions.cs", "README.md" })
        {
            Assert.True(File.Exists(Path.Combine(project, file)), $"{sink.Project}/{file} is generated");
        }

        Assert.Equal(name == "Orders", File.Exists(Path.Combine(project, $"I{name}Client.cs")));
        Assert.Contains($"TypeName => \"{sink.TypeName}\"", File.ReadAllText(Path.Combine(project, $"{name}Sink.cs")), StringComparison.Ordinal);
        Assert.All(new[] { "reference.md", "how-to.md", "quickstart.md" }, doc =>
        {
            var text = File.ReadAllText(Path.Combine(sink.Folder(generated.WorkDirectory), "docs", doc));
            Assert.DoesNotContain("#if", text, StringComparison.Ordinal);
            Assert.Contains(sink.TypeName, text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task InstalledToolListsTheGeneratedPluginAndValidatesAConfigUsingIt()
    {
        var listing = await ChildProcess.RunAsync(generated.SequinTool, ["plugins"], generated.WorkDirectory, TimeSpan.FromMinutes(2));
        Assert.Contains("webhook: ", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("Failed to load", listing, StringComparison.Ordinal);

        var config = WriteConfig("validate_only", "http://127.0.0.1:9/hooks");
        var validated = await ChildProcess.RunAsync(generated.SequinTool, ["validate", "--config", config], generated.WorkDirectory, TimeSpan.FromMinutes(2));
        Assert.Contains("is valid", validated, StringComparison.Ordinal);

        // And a mistake in a generated key is reported with its path.
        var broken = WriteConfig("validate_broken", "not a url");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ChildProcess.RunAsync(generated.SequinTool, ["validate", "--config", broken], generated.WorkDirectory, TimeSpan.FromMinutes(2)));
        Assert.Contains("destination.url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeFromPostgresReachesTheGeneratedHttpSinkThroughTheInstalledTool()
    {
        var received = new List<(string Path, string Body)>();
        await using var listener = LoopbackHttpServer.Start(context => RecordAsync(context, received));

        var database = await postgres.CreateDatabaseAsync("generated_sink");
        await postgres.Server.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL)", database);
        var config = WriteConfig(database, $"{listener.Url}/hooks");

        await using var tool = ChildProcess.Start(generated.SequinTool, ["run", "--config", config], generated.WorkDirectory);
        await Eventually.UntilAsync(
            async () => tool.HasExited
                ? throw new InvalidOperationException($"{tool.CommandLine} exited ({tool.ExitCode}):\n{tool.Output}")
                : await postgres.Server.ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'sequin_{database}' AND active") == 1,
            () => $"the slot sequin_{database} is in use; output so far:\n{tool.Output}");
        await postgres.Server.ExecuteAsync("INSERT INTO orders VALUES (1, 'from-a-generated-sink')", database);

        await Eventually.UntilAsync(() => Snapshot(received).Count > 0, () => $"the listener got a request; tool output:\n{tool.Output}");
        Assert.Equal(0, await tool.StopAsync());

        var (path, body) = Assert.Single(Snapshot(received));
        Assert.Equal("/hooks/orders-hook", path);
        var message = Assert.Single(JsonNode.Parse(body)!.AsArray())!;
        Assert.Equal("insert", (string?)message["action"]);
        Assert.Equal(1, (int?)message["record"]!["id"]);
        Assert.Equal("from-a-generated-sink", (string?)message["record"]!["status"]);
        Assert.Contains($"Loaded sink plugin webhook from {Path.Combine(generated.ToolPluginsFolder, generated.Webhook.Project)}", tool.Output, StringComparison.Ordinal);
    }

    private static List<(string Path, string Body)> Snapshot(List<(string Path, string Body)> received)
    {
        lock (received)
        {
            return [.. received];
        }
    }

    /// <summary>Answers a request with 200 and an empty body (all delivered), recording POSTs.</summary>
    private static async Task RecordAsync(HttpListenerContext context, List<(string Path, string Body)> received)
    {
        if (context.Request.HttpMethod == "POST")
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            lock (received)
            {
                received.Add((context.Request.Url!.AbsolutePath, body));
            }
        }

        context.Response.StatusCode = 200;
        context.Response.Close();
    }

    private string WriteConfig(string database, string url)
    {
        var path = Path.Combine(generated.WorkDirectory, database + ".yaml");
        File.WriteAllText(path, $$"""
            databases:
              - name: db
                hostname: {{PostgresServer.Host}}
                port: {{postgres.Server.Port}}
                database: {{database}}
                username: postgres
                slot: { name: sequin_{{database}}, create_if_not_exists: true }
                publication: { name: sequin_pub, create_if_not_exists: true }

            sinks:
              - name: to-webhook
                database: db
                destination:
                  type: webhook
                  url: "{{url}}"
                  destination: orders-hook
            """);
        return path;
    }

    private void WriteTimings()
    {
        foreach (var (step, took) in generated.Timings)
        {
            output.WriteLine($"{step}: {took.TotalSeconds:F1} s");
        }
    }
}
