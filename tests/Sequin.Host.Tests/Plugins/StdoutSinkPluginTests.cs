using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Hosting.Plugins;
using Sequin.Host.Tests.Support;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Host.Tests.Plugins;

/// <summary>The built-in stdout sink, driven through its plugin as loaded from the plugins folder.</summary>
public sealed class StdoutSinkPluginTests : IDisposable
{
    private readonly PluginFolder _folder = new();
    private readonly TempDirectory _out = new();
    private readonly ServiceProvider _services = new ServiceCollection().BuildServiceProvider();

    [Fact]
    public async Task EachMessagePayloadIsAppendedAsOneLine()
    {
        var plugin = LoadStdout();
        var path = Path.Combine(_out.Path, "messages.jsonl");
        var options = Parse(plugin, new() { ["path"] = path });
        var client = plugin.CreateClient(options, Context());
        var pipeline = plugin.CreatePipeline(options, client, Context());

        var first = await pipeline.DeliverAsync(Batch(plugin, """{"action":"insert","n":1}""", """{"action":"update","n":2}"""), CancellationToken.None);
        var second = await pipeline.DeliverAsync(Batch(plugin, """{"action":"delete","n":3}"""), CancellationToken.None);
        await pipeline.DisposeAsync();
        await client.DisposeAsync();

        Assert.Null(first.Count);
        Assert.Null(second.Count);
        Assert.Equal((100, 1), (pipeline.Batching.MaxMessages, pipeline.Batching.MaxConcurrentBatches)); // batch_size is the consumer's to apply
        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(["""{"action":"insert","n":1}""", """{"action":"update","n":2}""", """{"action":"delete","n":3}"""], lines);
    }

    [Fact]
    public async Task LargePayloadsAmongSmallOnesAreWrittenWholeEachOnItsLineInOrder()
    {
        var plugin = LoadStdout();
        var path = Path.Combine(_out.Path, "large.jsonl");
        var options = Parse(plugin, new() { ["path"] = path });
        var client = plugin.CreateClient(options, Context());
        var pipeline = plugin.CreatePipeline(options, client, Context());
        string Large(char c) => "{\"body\":\"" + new string(c, 300_000) + "é\"}";
        string[] payloads = ["{\"n\":1}", Large('a'), Large('b'), "{\"n\":4}", Large('c')];

        // Payloads over 64 KiB are written where they lie (a gathered write), the small ones from the batch buffer.
        await pipeline.DeliverAsync(Batch(plugin, payloads[..3]), CancellationToken.None);
        await pipeline.DeliverAsync(Batch(plugin, payloads[3..]), CancellationToken.None);
        await pipeline.DisposeAsync();
        await client.DisposeAsync();

        Assert.Equal(payloads, await File.ReadAllLinesAsync(path));
    }

    [Fact]
    public async Task PrettyWritesIndentedJson()
    {
        var plugin = LoadStdout();
        var path = Path.Combine(_out.Path, "pretty.json");
        var options = Parse(plugin, new() { ["path"] = path, ["pretty"] = "true" });
        var client = plugin.CreateClient(options, Context());
        var pipeline = plugin.CreatePipeline(options, client, Context());

        await pipeline.DeliverAsync(Batch(plugin, """{"a":{"b":1},"name":"Café <b>"}"""), CancellationToken.None);
        await client.DisposeAsync();

        var text = await File.ReadAllTextAsync(path);
        Assert.Contains("\n  \"a\": {", text, StringComparison.Ordinal);
        Assert.Contains("\"Café <b>\"", text, StringComparison.Ordinal); // same escaping as the one-line output
        Assert.Equal(1, JsonDocument.Parse(text).RootElement.GetProperty("a").GetProperty("b").GetInt32());
    }

    [Fact]
    public async Task AnUnwritablePathFailsTheBatchWithTheIOErrorForCoreToRetry()
    {
        var plugin = LoadStdout();
        var options = ParseThenRemoveFolder(plugin, Path.Combine(_out.Path, "no-such-dir"));
        await using var client = plugin.CreateClient(options, Context());
        await using var pipeline = plugin.CreatePipeline(options, client, Context());

        // The consumer fails every message of a batch that throws as retryable, with the exception's type and message.
        var error = await Assert.ThrowsAnyAsync<IOException>(async () => await pipeline.DeliverAsync(Batch(plugin, """{"n":1}""", """{"n":2}"""), CancellationToken.None));

        Assert.Contains("no-such-dir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionTestReportsAnUnwritablePath()
    {
        var plugin = LoadStdout();
        var options = ParseThenRemoveFolder(plugin, Path.Combine(_out.Path, "no-such-dir"));
        await using var client = plugin.CreateClient(options, Context());

        var result = await client.TestConnectionAsync(CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("no-such-dir", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dev/null")]
    [InlineData("/dev/zero")]
    public void ADevicePathIsRefusedAtValidationNamingTheKey(string device)
    {
        // /dev/null looks like a seekable file that never grows: every batch looked lost after its write, and was retried until the stream parked.
        var plugin = LoadStdout();

        var result = plugin.Schema.Parse(Section(new() { ["path"] = device }), RoutingMode.Static, "sinks[0].destination");

        var error = Assert.Single(result.Errors);
        Assert.Equal("sinks[0].destination.path", error.Path);
        Assert.Contains($"'{device}' is not a regular file", error.Message, StringComparison.Ordinal);
        Assert.Contains("'-' for standard output", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFolderOrAFileInAMissingFolderIsRefusedAtValidation()
    {
        var plugin = LoadStdout();

        var folder = plugin.Schema.Parse(Section(new() { ["path"] = _out.Path }), RoutingMode.Static, "d");
        var missing = plugin.Schema.Parse(Section(new() { ["path"] = Path.Combine(_out.Path, "no-such-dir", "x.jsonl") }), RoutingMode.Static, "d");

        Assert.Contains("is a folder", Assert.Single(folder.Errors).Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", Assert.Single(missing.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARegularFileANewFileANamedPipeAndStandardOutputAreAccepted()
    {
        var plugin = LoadStdout();
        var existing = Path.Combine(_out.Path, "existing.jsonl");
        File.WriteAllText(existing, string.Empty);
        var pipe = Path.Combine(_out.Path, "pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [pipe]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        foreach (var path in new[] { existing, Path.Combine(_out.Path, "new.jsonl"), pipe, "-" })
        {
            Assert.Empty(plugin.Schema.Parse(Section(new() { ["path"] = path }), RoutingMode.Static, "d").Errors);
        }
    }

    [Fact]
    public async Task ValidateRefusesDevNullForTheStdoutSink()
    {
        var dir = new TempDirectory();
        try
        {
            var config = dir.Write("sequin.yaml", """
                databases:
                  - name: shop
                    hostname: 127.0.0.1
                    database: shop
                    slot: { name: s, create_if_not_exists: true }
                    publication: { name: p, create_if_not_exists: true }
                sinks:
                  - name: to-null
                    database: shop
                    destination: { type: stdout, path: /dev/null }
                """);
            var options = new Sequin.Host.Cli.SequinCliOptions { DefaultPluginsDirectory = Yaml.PluginsDirectory, GetEnvironmentVariable = _ => null };

            var (exit, _, error) = await CliRunner.RunAsync(options, "validate", "--config", config);

            Assert.Equal(1, exit);
            Assert.Contains("sinks[0].destination.path", error, StringComparison.Ordinal);
            Assert.Contains("'/dev/null' is not a regular file", error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Dispose();
        }
    }

    [Fact]
    public void SchemaDescribesPathAndPrettyWithDefaultsAndRejectsUnknownFields()
    {
        var plugin = LoadStdout();

        Assert.Equal(["path", "pretty"], plugin.Schema.Fields.Select(f => f.Name));
        Assert.Equal("-", plugin.Schema.Fields[0].DefaultValue);
        Assert.Empty(plugin.Routing.Keys);
        var bad = plugin.Schema.Parse(Section(new() { ["colour"] = "red" }), RoutingMode.Static, "sinks[0].destination");
        Assert.Equal("sinks[0].destination.colour", Assert.Single(bad.Errors).Path);
    }

    public void Dispose()
    {
        _services.Dispose();
        _folder.Dispose();
        _out.Dispose();
    }

    private ISinkPlugin LoadStdout() => Assert.Single(PluginDirectory.Load(_folder.Path).Plugins).Plugin;

    /// <summary>Options for a file in <paramref name="folder"/>, parsed while the folder exists (as validation wants), then the folder removed.</summary>
    private static object ParseThenRemoveFolder(ISinkPlugin plugin, string folder)
    {
        Directory.CreateDirectory(folder);
        var options = Parse(plugin, new() { ["path"] = Path.Combine(folder, "x.jsonl") });
        Directory.Delete(folder);
        return options;
    }

    private static object Parse(ISinkPlugin plugin, Dictionary<string, string?> values)
    {
        var result = plugin.Schema.Parse(Section(values), RoutingMode.Static, "destination");
        Assert.Empty(result.Errors);
        return result.Options;
    }

    private static IConfiguration Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private SinkContext Context() =>
        new(new ConsumerInfo("s", "s"), RoutingMode.Static, _services, NullLoggerFactory.Instance, TimeProvider.System);

    private static SinkBatch Batch(ISinkPlugin plugin, params string[] payloads)
    {
        var relation = new RelationInfo(1, "public", "t", [new RelationColumn("id", PgTypeOids.Int4, -1, true)]);
        var messages = payloads.Select((p, i) => new RoutedMessage(
            new ChangeMessage(ChangeAction.Insert, new RowImage(relation, [ColumnValue.FromText(i.ToString(System.Globalization.CultureInfo.InvariantCulture))]), null, new TransactionInfo(100, DateTimeOffset.UnixEpoch, 1), i, new SourceDatabaseInfo("db", "db", "db", "localhost")),
            new Route(plugin.Routing.Keys),
            null,
            Encoding.UTF8.GetBytes(p),
            false)).ToList();
        return new SinkBatch("stdout", messages);
    }
}
