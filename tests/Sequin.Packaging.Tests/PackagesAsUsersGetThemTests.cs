using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Sequin.Packaging.Tests.Support;
using Sequin.TestServers;
using Xunit.Abstractions;

namespace Sequin.Packaging.Tests;

/// <summary>
/// The packages as a user takes them, outside this solution (see <see cref="PackagedSamples"/>): the package folder's
/// contents; a change from a real PostgreSQL through the installed <c>sequin</c> tool into the third-party sample plugin;
/// and a change through the embedding sample (Sequin.Hosting + the Kafka sink package) to librdkafka's mock cluster.
/// </summary>
[Collection(RepositoryBuilds.Name)]
public sealed class PackagesAsUsersGetThemTests(PostgresFixture postgres, PackagedSamples packaged, ITestOutputHelper output)
    : IClassFixture<PostgresFixture>, IClassFixture<PackagedSamples>
{
    [Fact]
    public void PackFolderHoldsEveryPackageWithSymbolsReadmeLicenceAndSourceLink()
    {
        WriteTimings();
        var version = RepositoryPaths.PackageVersion;
        Assert.Contains("Sequin.Host", RepositoryPaths.PackageIds);
        foreach (var id in RepositoryPaths.PackageIds)
        {
            var package = Path.Combine(packaged.PackageFolder, $"{id}.{version}.nupkg");
            var symbols = Path.Combine(packaged.PackageFolder, $"{id}.{version}.snupkg");
            Assert.True(File.Exists(package), $"{package} is packed; pack printed:\n{packaged.PackOutput}");
            Assert.True(File.Exists(symbols), $"{symbols} is packed");

            using (var zip = ZipFile.OpenRead(package))
            {
                var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName == id + ".nuspec").Open());
                var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
                string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
                Assert.Equal(version, Value("version"));
                Assert.Equal("MIT", Value("license"));
                Assert.Equal("README.md", Value("readme"));
                Assert.Contains(zip.Entries, e => e.FullName == "README.md" && e.Length > 0);
                var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
                Assert.StartsWith("https://github.com/", (string?)repository.Attribute("url"), StringComparison.Ordinal);
                Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit"));
            }

            using (var zip = ZipFile.OpenRead(symbols))
            {
                // SourceLink: the PDB maps the sources to the commit's files on GitHub.
                var pdbs = zip.Entries.Where(e => e.FullName.EndsWith(".pdb", StringComparison.Ordinal)).ToList();
                Assert.NotEmpty(pdbs);
                foreach (var pdb in pdbs)
                {
                    using var stream = new MemoryStream();
                    using (var entry = pdb.Open())
                    {
                        entry.CopyTo(stream);
                    }

                    Assert.True(
                        Encoding.UTF8.GetString(stream.ToArray()).Contains("https://raw.githubusercontent.com/", StringComparison.Ordinal),
                        $"{pdb.FullName} in {Path.GetFileName(symbols)} has a SourceLink map to GitHub");
                }
            }
        }

        // The tool package carries the shipped plugins, the Kafka sink with its librdkafka.
        using var tool = ZipFile.OpenRead(Path.Combine(packaged.PackageFolder, $"Sequin.Host.{version}.nupkg"));
        Assert.Contains(tool.Entries, e => e.FullName == "tools/net10.0/any/sequin.dll");
        foreach (var sink in new[] { "Stdout", "Kafka", "Typesense", "Sns", "Sqs", "Redis", "Nats", "RabbitMq", "Webhook", "Postgres" })
        {
            Assert.Contains(tool.Entries, e => e.FullName == $"tools/net10.0/any/plugins/Sequin.Sinks.{sink}/Sequin.Sinks.{sink}.dll");
        }

        Assert.Contains(tool.Entries, e => e.FullName == "tools/net10.0/any/plugins/Sequin.Sinks.Kafka/runtimes/linux-x64/native/librdkafka.so");
    }

    [Fact]
    public async Task InstalledToolRunsAChangeFromPostgresIntoTheThirdPartySamplePlugin()
    {
        WriteTimings();
        var listing = await ChildProcess.RunAsync(packaged.SequinTool, ["plugins"], packaged.WorkDirectory, TimeSpan.FromMinutes(2), packaged.ToolEnvironment);
        Assert.Contains("jsonfiles: ", listing, StringComparison.Ordinal);   // the sample plugin, built from the packages
        Assert.Contains("kafka: ", listing, StringComparison.Ordinal);       // a sink shipped in the tool package
        Assert.DoesNotContain("Failed to load", listing, StringComparison.Ordinal);

        var database = await postgres.CreateDatabaseAsync("packaged_tool");
        await postgres.Server.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL)", database);
        var files = Path.Combine(packaged.WorkDirectory, "out-" + database);
        var config = WriteConfig(database, $"""
                  type: jsonfiles
                  directory: "{files}"
            """);

        await using var tool = ChildProcess.Start(packaged.SequinTool, ["run", "--config", config], packaged.WorkDirectory, packaged.ToolEnvironment);
        await WaitForSlotActiveAsync(database, tool);
        await postgres.Server.ExecuteAsync("INSERT INTO orders VALUES (1, 'from-the-installed-tool')", database);

        var file = Path.Combine(files, "public.orders.jsonl");
        await Eventually.UntilAsync(() => File.Exists(file) && File.ReadAllText(file).EndsWith('\n'), () => $"{file} has a line; tool output:\n{tool.Output}");
        Assert.Equal(0, await tool.StopAsync());

        var line = Assert.Single(File.ReadAllLines(file));
        var message = JsonNode.Parse(line)!;
        Assert.Equal("insert", (string?)message["action"]);
        Assert.Equal(1, (int?)message["record"]!["id"]);
        Assert.Equal("from-the-installed-tool", (string?)message["record"]!["status"]);
        Assert.Equal("orders", (string?)message["metadata"]!["table_name"]);
        Assert.Contains($"Loaded sink plugin jsonfiles from {Path.Combine(packaged.UserPluginsFolder, PackagedSamples.SamplePluginName)}", tool.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TheThirdPartySamplePassesSequinsConformanceSuiteFromTheTestingPackage()
    {
        // samples/ThirdPartySink.Tests references Sequin.Sinks.Testing from the packed folder, as a plugin author would.
        output.WriteLine(packaged.SampleSinkTestOutput);
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+11,", packaged.SampleSinkTestOutput);
    }

    [Fact]
    public async Task AThirdPartyPluginInTheUserPluginsFolderSurvivesReinstallingTheTool()
    {
        WriteTimings();
        var before = await ChildProcess.RunAsync(packaged.SequinTool, ["plugins"], packaged.WorkDirectory, TimeSpan.FromMinutes(2), packaged.ToolEnvironment);
        Assert.Contains("jsonfiles: ", before, StringComparison.Ordinal);

        // Uninstalling deletes the tool's store folder, its shipped plugins/ with it; the user plugins folder is elsewhere.
        await packaged.UninstallToolAsync();
        Assert.False(Directory.Exists(packaged.ToolPluginsFolder), $"{packaged.ToolPluginsFolder} is gone with the tool");
        await packaged.InstallToolAsync();

        var after = await ChildProcess.RunAsync(packaged.SequinTool, ["plugins"], packaged.WorkDirectory, TimeSpan.FromMinutes(2), packaged.ToolEnvironment);
        Assert.Contains("jsonfiles: ", after, StringComparison.Ordinal);
        Assert.Contains($"from {Path.Combine(packaged.UserPluginsFolder, PackagedSamples.SamplePluginName, PackagedSamples.SamplePluginName)}.dll (user plugins folder)", after, StringComparison.Ordinal);
        Assert.Contains("kafka: ", after, StringComparison.Ordinal); // the shipped sinks still load, from the reinstalled tool
        Assert.Contains("(shipped with the tool)", after, StringComparison.Ordinal);
        Assert.DoesNotContain("Failed to load", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddingSampleDeliversAChangeToTheKafkaMockCluster()
    {
        WriteTimings();
        await using var broker = await KafkaMockBroker.StartAsync();
        var database = await postgres.CreateDatabaseAsync("packaged_embedding");
        await postgres.Server.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL)", database);
        var topic = "embedded-" + Guid.NewGuid().ToString("N")[..12];

        // The sample's own sequin.yaml, its values from the environment.
        await using var app = ChildProcess.Start(
            "dotnet",
            [packaged.EmbeddingHostDll],
            Path.GetDirectoryName(packaged.EmbeddingHostDll)!,
            new Dictionary<string, string>
            {
                ["PGHOST"] = PostgresServer.Host,
                ["PGPORT"] = postgres.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PGDATABASE"] = database,
                ["PGUSER"] = "postgres",
                ["SEQUIN_SAMPLE_SLOT"] = "sequin_" + database,
                ["KAFKA_HOSTS"] = broker.BootstrapServers,
                ["KAFKA_TOPIC"] = topic,
            });
        await WaitForSlotActiveAsync(database, app);
        await postgres.Server.ExecuteAsync("INSERT INTO orders VALUES (7, 'from-the-embedding-sample')", database);

        var records = await KafkaTopicReader.WaitForAsync(broker.BootstrapServers, topic, r => r.Count >= 1 || app.HasExited, TimeSpan.FromSeconds(90));
        Assert.False(app.HasExited, $"the sample exited ({(app.HasExited ? app.ExitCode : 0)}) before delivering:\n{app.Output}");
        Assert.Equal(0, await app.StopAsync());

        var record = Assert.Single(records);
        var message = JsonNode.Parse(record.Payload!)!;
        Assert.Equal("insert", (string?)message["action"]);
        Assert.Equal(7, (int?)message["record"]!["id"]);
        Assert.Equal("from-the-embedding-sample", (string?)message["record"]!["status"]);
        Assert.Equal("7", record.Key);
    }

    private string WriteConfig(string database, string destination)
    {
        var path = Path.Combine(packaged.WorkDirectory, database + ".yaml");
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
              - name: to-sink
                database: db
                destination:
            {{destination}}
            """);
        return path;
    }

    private Task WaitForSlotActiveAsync(string database, ChildProcess process) =>
        Eventually.UntilAsync(
            async () => process.HasExited
                ? throw new InvalidOperationException($"{process.CommandLine} exited ({process.ExitCode}):\n{process.Output}")
                : await postgres.Server.ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'sequin_{database}' AND active") == 1,
            () => $"the slot sequin_{database} is in use; output so far:\n{process.Output}");

    private void WriteTimings()
    {
        foreach (var (step, took) in packaged.Timings)
        {
            output.WriteLine($"{step}: {took.TotalSeconds:F1} s");
        }
    }
}
