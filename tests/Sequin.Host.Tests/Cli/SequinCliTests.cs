using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sequin.Configuration;
using Sequin.Host.Cli;
using Sequin.Host.Tests.Support;
using Sequin.Sinks;

namespace Sequin.Host.Tests.Cli;

public sealed class SequinCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly PluginFolder _plugins = new();
    private readonly FakeSinkPlugin _fake = new();

    private SequinCliOptions Options(Action<IServiceCollection, SequinConfig, ISinkPluginCatalog>? run = null) => new()
    {
        DefaultPluginsDirectory = _plugins.Path,
        RegisteredPlugins = [_fake],
        GetEnvironmentVariable = _ => null,
        ConfigureRunServices = run,
    };

    [Fact]
    public async Task ValidatePrintsValidAndASummaryForAGoodConfig()
    {
        var path = _dir.Write("sequin.yaml", Yaml.ValidConfig);

        var (exit, output, error) = await CliRunner.RunAsync(Options(), "validate", "--config", path);

        Assert.Equal(0, exit);
        Assert.Contains("is valid: 1 database(s), 2 function(s), 2 sink(s)", output, StringComparison.Ordinal);
        Assert.Contains("sink orders-dynamic: fake from shop, dynamic routing (by-table), disabled", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public async Task ValidatePrintsEveryErrorWithItsKeyPathAndExitsWithOne()
    {
        var path = _dir.Write("sequin.yaml", Yaml.ValidConfig
            .Replace("batch_size: 50", "batch_size: 0", StringComparison.Ordinal)
            .Replace("routing: by-table", "routing: missing", StringComparison.Ordinal));

        var (exit, _, error) = await CliRunner.RunAsync(Options(), "validate", "--config", path);

        Assert.Equal(1, exit);
        Assert.Contains("2 error(s)", error, StringComparison.Ordinal);
        Assert.Contains("  sinks[0].batch_size: Must be at least 1 (got 0).", error, StringComparison.Ordinal);
        Assert.Contains("  sinks[1].routing: Function 'missing' is not defined", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateReportsAMissingFileAndYamlSyntaxErrors()
    {
        var missing = await CliRunner.RunAsync(Options(), "validate", "--config", Path.Combine(_dir.Path, "nope.yaml"));
        var broken = await CliRunner.RunAsync(Options(), "validate", "-c", _dir.Write("bad.yaml", "sinks:\n  - name: [a\n"));

        Assert.Equal(1, missing.Exit);
        Assert.Contains("Configuration file not found", missing.Err, StringComparison.Ordinal);
        Assert.Equal(1, broken.Exit);
        Assert.Matches(@"line \d+, column \d+", broken.Err);
    }

    [Fact]
    public async Task ValidateAcceptsTheStdoutSinkFromThePluginsFolder()
    {
        var path = _dir.Write("sequin.yaml", """
            databases:
              - name: shop
                hostname: 127.0.0.1
                database: shop
                slot: { name: sequin_slot, create_if_not_exists: true }
                publication: { name: sequin_pub, create_if_not_exists: true }
            sinks:
              - name: products-to-stdout
                database: shop
                source: { include_tables: ["public.products"] }
                destination:
                  type: stdout
                  path: "/tmp/messages.jsonl"
            """);

        var (exit, output, _) = await CliRunner.RunAsync(Options(), "validate", "--config", path, "--plugins-dir", _plugins.Path);

        Assert.Equal(0, exit);
        Assert.Contains("sink products-to-stdout: stdout from shop, static routing", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PluginsListsSinksWithTheirFieldsAndExitsZero()
    {
        var (exit, output, _) = await CliRunner.RunAsync(Options(), "plugins");

        Assert.Equal(0, exit);
        Assert.Contains("stdout: Writes each change", output, StringComparison.Ordinal);
        Assert.Matches(@"\n  field\s+type\s+required\s+default\s+secret\s+routable\s+description", output);
        Assert.Matches(@"\n  password\s+text\s+no\s+yes\s+no\s+Password\.", output);
        Assert.Matches(@"\n  topic\s+text\s+static\s+no\s+yes\s+Topic\.", output);
        Assert.Matches(@"\n  retries\s+int 0\.\.10\s+no\s+3\s+no\s+no", output);
        Assert.Contains("routable keys: topic (required)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PluginsReportsABrokenPluginWithItsReasonAndExitsOne()
    {
        _plugins.AddBroken();

        var (exit, output, _) = await CliRunner.RunAsync(Options(), "plugins", "--plugins-dir", _plugins.Path);

        Assert.Equal(1, exit);
        Assert.Contains("stdout:", output, StringComparison.Ordinal);
        Assert.Contains("Failed to load (1):", output, StringComparison.Ordinal);
        Assert.Contains("Broken.dll", output, StringComparison.Ordinal);
        Assert.Contains("bad image", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionsInitPrintsTheSinksDefaultRoutingFunction()
    {
        var ok = await CliRunner.RunAsync(Options(), "functions", "init", "--sink-type", "stdout");
        var unknown = await CliRunner.RunAsync(Options(), "functions", "init", "--sink-type", "kafak");

        Assert.Equal(0, ok.Exit);
        Assert.Contains("function route(action, record, changes, metadata) {", ok.Out, StringComparison.Ordinal);
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("Unknown sink type 'kafak'", unknown.Err, StringComparison.Ordinal);
        Assert.Contains("fake", unknown.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionsTestPrintsTheResolvedRouteAndPayloadOrTheFunctionsError()
    {
        var config = _dir.Write("sequin.yaml", Yaml.ValidConfig);
        var message = _dir.Write("message.json", """
            {"record": {"id": 7, "customer_id": 3, "total": 12.50}, "changes": null, "action": "insert",
             "metadata": {"table_schema": "public", "table_name": "orders", "commit_lsn": 100, "commit_idx": 2, "record_pks": ["7"]}}
            """);

        var dynamic = await CliRunner.RunAsync(Options(), "functions", "test", "--config", config, "--sink", "orders-dynamic", "--message", message);
        var @static = await CliRunner.RunAsync(Options(), "functions", "test", "--config", config, "--sink", "orders-static", "--message", message);

        Assert.Equal(0, dynamic.Exit);
        Assert.Contains("dynamic routing by 'by-table'", dynamic.Out, StringComparison.Ordinal);
        Assert.Contains("topic: orders", dynamic.Out, StringComparison.Ordinal);
        Assert.Contains("group id: 7", dynamic.Out, StringComparison.Ordinal);
        Assert.Contains("\"total\":12.50", dynamic.Out, StringComparison.Ordinal);
        Assert.Equal(0, @static.Exit);
        Assert.Contains("static routing", @static.Out, StringComparison.Ordinal);
        Assert.Contains("topic: orders", @static.Out, StringComparison.Ordinal); // the routable option, copied by Core

        // A routing function that fails on this message: the error names the function; exit code 1.
        var failing = _dir.Write("failing.yaml", Yaml.ValidConfig.Replace(
            "return { topic: metadata.table_name };",
            "return { topic: record.total > 10 ? record.missing.key : 'small' };",
            StringComparison.Ordinal));
        var failed = await CliRunner.RunAsync(Options(), "functions", "test", "--config", failing, "--sink", "orders-dynamic", "--message", message);
        Assert.Equal(1, failed.Exit);
        Assert.Contains("by-table", failed.Err, StringComparison.Ordinal);
        Assert.Contains("line 2", failed.Err, StringComparison.Ordinal);

        var missing = await CliRunner.RunAsync(Options(), "functions", "test", "--config", config, "--sink", "nope", "--message", message);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("No sink named 'nope'", missing.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("var o = {}; for (var i = 0; i < 30000; i++) o = { a: o }; JSON.stringify(o);", "JSON depth limit")]
    [InlineData("eval(new Array(20001).join('(') + '1' + new Array(20001).join(')'));", "String compilation has been disabled")]
    [InlineData("/(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!');", "regular expression")]
    [InlineData("new Array(1e7).join('x');", "memory limit")]
    [InlineData("var t = new Array(10001).join('x'); t.replace(/x/g, t.replace(/x/g, 'xxxxxxxxxxxx'));", "memory limit")]
    [InlineData("while (true) {}", "limit")]
    [InlineData("var f = (n) => f(n + 1) + 1; f(0);", "recursion limit")]
    [InlineData("var a = []; while (true) a.push(new Array(1e5).fill(1.5));", "limit")]
    public async Task AnAttackingFunctionFailsValidateAndFunctionsTestWithTheLimitItHit(string attack, string limit)
    {
        var config = _dir.Write("attack.yaml", Yaml.ValidConfig.Replace(
            "return { topic: metadata.table_name };",
            attack + " return { topic: metadata.table_name };",
            StringComparison.Ordinal));
        var message = _dir.Write("message.json", """
            {"record": {"id": 7}, "changes": null, "action": "insert",
             "metadata": {"table_schema": "public", "table_name": "orders", "commit_lsn": 100, "commit_idx": 2, "record_pks": ["7"]}}
            """);

        var validate = await CliRunner.RunAsync(Options(), "validate", "--config", config);
        var test = await CliRunner.RunAsync(Options(), "functions", "test", "--config", config, "--sink", "orders-dynamic", "--message", message);

        Assert.Equal(1, validate.Exit);
        Assert.Contains("Routing function 'by-table' ", validate.Err, StringComparison.Ordinal);
        Assert.Contains(limit, validate.Err, StringComparison.Ordinal);
        Assert.Equal(1, test.Exit);
        Assert.Contains("Routing function 'by-table' ", test.Err, StringComparison.Ordinal);
        Assert.Contains(limit, test.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnectionChecksTheConnectionInStaticModeAndCredentialsInDynamicMode()
    {
        var path = _dir.Write("sequin.yaml", Yaml.ValidConfig);

        var staticRun = await CliRunner.RunAsync(Options(), "test-connection", "orders-static", "--config", path);
        var dynamicRun = await CliRunner.RunAsync(Options(), "test-connection", "orders-dynamic", "--config", path);

        Assert.Equal(0, staticRun.Exit);
        Assert.Contains("orders-static (fake) connection (static routing): OK: topic orders is writable", staticRun.Out, StringComparison.Ordinal);
        Assert.Equal(0, dynamicRun.Exit);
        Assert.Contains("credentials (dynamic routing): OK", dynamicRun.Out, StringComparison.Ordinal);
        Assert.Equal(["connection", "disposed", "credentials", "disposed"], _fake.Calls);
    }

    [Fact]
    public async Task TestConnectionFailureAndUnknownSinkExitWithOne()
    {
        var path = _dir.Write("sequin.yaml", Yaml.ValidConfig.Replace("hosts: \"b1:9092\"\n      topic", "hosts: \"down:9092\"\n      topic", StringComparison.Ordinal));

        var failed = await CliRunner.RunAsync(Options(), "test-connection", "orders-static", "--config", path);
        var unknown = await CliRunner.RunAsync(Options(), "test-connection", "nope", "--config", path);

        Assert.Equal(1, failed.Exit);
        Assert.Contains("FAILED: broker unreachable: connection refused", failed.Err, StringComparison.Ordinal);
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("No sink named 'nope'", unknown.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigExportPrintsYamlWithSecretsMasked()
    {
        var path = _dir.Write("sequin.yaml", Yaml.ValidConfig);

        var (exit, output, _) = await CliRunner.RunAsync(Options(), "config", "export", "--config", path);

        Assert.Equal(0, exit);
        Assert.Contains("sinks:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
        Assert.Contains("\"********\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunWithoutARuntimeOrWithAnInvalidConfigExitsWithOne()
    {
        var good = _dir.Write("sequin.yaml", Yaml.ValidConfig);
        var bad = _dir.Write("bad.yaml", Yaml.ValidConfig.Replace("batch_size: 50", "batch_size: -1", StringComparison.Ordinal));

        var unwired = await CliRunner.RunAsync(Options(), "run", "--config", good);
        var invalid = await CliRunner.RunAsync(Options((_, _, _) => throw new InvalidOperationException("must not be called")), "run", "--config", bad);

        Assert.Equal(1, unwired.Exit);
        Assert.Contains("no runtime wired", unwired.Err, StringComparison.Ordinal);
        Assert.Equal(1, invalid.Exit);
        Assert.Contains("sinks[0].batch_size", invalid.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunBuildsAHostWithTheConfigAndCatalogAndTheRuntimesServices()
    {
        var path = _dir.Write("sequin.yaml", Yaml.ValidConfig);
        SequinConfig? seenConfig = null;
        ISinkPluginCatalog? seenCatalog = null;

        var (exit, _, _) = await CliRunner.RunAsync(
            Options((services, config, catalog) =>
            {
                seenConfig = config;
                seenCatalog = catalog;
                services.AddHostedService<StopImmediately>();
            }),
            "run",
            "--config",
            path);

        Assert.Equal(0, exit);
        Assert.Equal(2, seenConfig!.Sinks.Count);
        Assert.True(seenCatalog!.TryGetPlugin("stdout", out _));
        Assert.True(seenCatalog.TryGetPlugin("fake", out _));
        Assert.True(StopImmediately.SawServices);
    }

    [Fact]
    public async Task ValidateRefusesWhatRunRefusesANonLoopbackListenWithoutALongEnoughToken()
    {
        foreach (var (http, expected) in new[]
        {
            ("http:\n  listen: \"0.0.0.0:7376\"\n", "http.token: Required when http.listen is not a loopback address"),
            ("http:\n  listen: \"0.0.0.0:7376\"\n  token: x\n", "http.token: Too short for a non-loopback http.listen"),
        })
        {
            var path = _dir.Write("sequin.yaml", Yaml.ValidConfig + "\n" + http);
            var validate = await CliRunner.RunAsync(Options(), "validate", "--config", path);
            var run = await CliRunner.RunAsync(Options((_, _, _) => throw new InvalidOperationException("must not be called")), "run", "--config", path);
            Assert.Equal(1, validate.Exit);
            Assert.Contains(expected, validate.Err, StringComparison.Ordinal);
            Assert.Equal(1, run.Exit);
            Assert.Contains(expected, run.Err, StringComparison.Ordinal);
        }

        var good = _dir.Write("sequin.yaml", Yaml.ValidConfig + "\nhttp:\n  listen: \"0.0.0.0:7376\"\n  token: 0123456789abcdef01234567\n");
        Assert.Equal(0, (await CliRunner.RunAsync(Options(), "validate", "--config", good)).Exit);
    }

    [Fact]
    public async Task RunWithHttpListenServesTheApiOnKestrelAndRefusesABadOrUnprotectedBind()
    {
        var path = _dir.Write("sequin.yaml", Yaml.ValidConfig);

        var unprotected = await CliRunner.RunAsync(Options((_, _, _) => throw new InvalidOperationException("must not be called")), "run", "--config", path, "--http-listen", "0.0.0.0:0");
        var bad = await CliRunner.RunAsync(Options((_, _, _) => throw new InvalidOperationException("must not be called")), "run", "--config", path, "--http-listen", "example.com:80");
        Assert.Equal(1, unprotected.Exit);
        Assert.Contains("http.token: Required when http.listen is not a loopback address", unprotected.Err, StringComparison.Ordinal);
        Assert.Equal(1, bad.Exit);
        Assert.Contains("--http-listen: Expected host:port", bad.Err, StringComparison.Ordinal);

        // On loopback without a token: the listener answers GET /api/sinks through a real socket.
        (System.Net.HttpStatusCode Status, string Body)? seen = null;
        var (exit, _, error) = await CliRunner.RunAsync(
            Options((services, _, _) => services.AddHostedService(sp => new CallApiThenStop(
                sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<Sequin.Hosting.AspNetCore.SequinHttpListener>(),
                result => seen = result))),
            "run",
            "--config",
            path,
            "--http-listen",
            "127.0.0.1:0");

        Assert.True(exit == 0, error);
        Assert.Equal(System.Net.HttpStatusCode.OK, seen?.Status);
        Assert.Contains("\"name\":\"orders-static\"", seen?.Body, StringComparison.Ordinal);
    }

    private sealed class CallApiThenStop(IHostApplicationLifetime lifetime, Sequin.Hosting.AspNetCore.SequinHttpListener listener, Action<(System.Net.HttpStatusCode, string)> report) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
            {
                try
                {
                    using var client = new HttpClient { BaseAddress = listener.Address };
                    using var response = await client.GetAsync(new Uri("/api/sinks", UriKind.Relative));
                    report((response.StatusCode, await response.Content.ReadAsStringAsync()));
                }
                finally
                {
                    lifetime.StopApplication();
                }
            }));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public void Dispose()
    {
        _plugins.Dispose();
        _dir.Dispose();
    }

    private sealed class StopImmediately(IHostApplicationLifetime lifetime, SequinConfig config, ISinkPluginCatalog catalog) : IHostedService
    {
        public static bool SawServices { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            SawServices = config.Sinks.Count == 2 && catalog.Plugins.Count == 2;
            lifetime.StopApplication();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
