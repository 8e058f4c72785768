using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sequin.Configuration;
using Sequin.Pipeline;
using Sequin.Sinks;

namespace Sequin.Hosting.AspNetCore.Tests.Support;

/// <summary>
/// A throwaway database and the host as <c>sequin run</c> builds it with <c>http:</c> set: a generic host running the
/// Sequin runtime (the <see cref="GatedSinkPlugin"/> registered in code) and the Kestrel listener on a free port. Every
/// response body the tests' <see cref="Client"/> received and every log line are kept, for the secrets check.
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    public const string Token = "tok-9f3c1d7e-http-api-secret";
    public const string SinkSecret = "sink-secret-5b2e8a41";

    private readonly IHost _host;
    private readonly string _directory;
    private bool _handedOver;

    private ApiHost(IHost host, string directory, string database, PostgresServer server, GatedSinkPlugin sink, ListLogger logs, Uri address, ConcurrentQueue<string> bodies)
    {
        _host = host;
        _directory = directory;
        Database = database;
        Server = server;
        Sink = sink;
        Logs = logs;
        Address = address;
        Bodies = bodies;
        Client = CreateClient(withToken: true);
    }

    public string Database { get; }

    /// <summary>The folder of the host's sequin.yaml.</summary>
    public string ConfigDirectory => _directory;

    public PostgresServer Server { get; }

    public GatedSinkPlugin Sink { get; }

    public ListLogger Logs { get; }

    /// <summary>Where the listener answers (127.0.0.1 and its port, whatever address it is bound to).</summary>
    public Uri Address { get; }

    /// <summary>Every response body received through a client of <see cref="CreateClient"/>.</summary>
    public ConcurrentQueue<string> Bodies { get; }

    /// <summary>A client that sends the token.</summary>
    public HttpClient Client { get; }

    public SinkConsumer Consumer => _host.Services.GetRequiredService<SequinRuntime>().Consumers.Single(c => c.Name == "gated");

    /// <summary>The configuration the host runs (for <see cref="RestartAsync"/>).</summary>
    private (SequinConfig Config, ISinkPluginCatalog Catalog, Action<IServiceCollection>? AddToHost)? ToolSetup { get; set; }

    /// <summary>
    /// Stops this tool host and starts another on the same database, configuration and sink plugin (as a process restart
    /// would); this instance is then done with (its disposal leaves the database to the new one).
    /// </summary>
    public async Task<ApiHost> RestartAsync()
    {
        var (config, catalog, addToHost) = ToolSetup ?? throw new InvalidOperationException("Only a tool host restarts.");
        Consumer.Resume();
        await _host.StopAsync();
        _host.Dispose();
        _handedOver = true;
        await Eventually.UntilAsync(
            async () => await Server.ScalarAsync<long>("SELECT count(*) FROM pg_replication_slots WHERE active", Database) == 0,
            () => "the replication slot released by the stopped host");
        var (host, address) = await StartToolHostAsync(config, _directory, Logs, catalog, addToHost);
        var api = new ApiHost(host, _directory, Database, Server, Sink, Logs, address, Bodies) { ToolSetup = ToolSetup };
        await Eventually.UntilAsync(
            async () => await Server.ScalarAsync<long>("SELECT count(*) FROM pg_replication_slots WHERE active", Database) == 1,
            () => "the replication slot is in use again");
        return api;
    }

    /// <summary>Starts the host on database <c>prefix_N</c>, listening on <paramref name="listen"/> with the token.</summary>
    public static Task<ApiHost> StartAsync(PostgresFixture postgres, string prefix, string listen = "0.0.0.0:0") =>
        StartAsync(postgres, prefix, $"http:\n  listen: \"{listen}\"\n  token: {Token}\n", embedded: false);

    /// <summary>
    /// Starts the host on database <c>prefix_N</c>, listening on <paramref name="listen"/> with or without the token;
    /// <paramref name="addToHost"/> adds services to the tool's host container (the web console's listener part), and
    /// <paramref name="plugins"/> are loaded besides the gated sink (the sink types the console offers).
    /// </summary>
    public static Task<ApiHost> StartWithServicesAsync(PostgresFixture postgres, string prefix, string listen, bool withToken, Action<IServiceCollection> addToHost, params ISinkPlugin[] plugins) =>
        StartAsync(postgres, prefix, $"http:\n  listen: \"{listen}\"\n" + (withToken ? $"  token: {Token}\n" : string.Empty), embedded: false, plugins, addToHost);

    /// <summary>Starts the host as <see cref="StartAsync(PostgresFixture, string, string)"/> with more sink plugins loaded (the sink types the console offers).</summary>
    public static Task<ApiHost> StartWithPluginsAsync(PostgresFixture postgres, string prefix, params ISinkPlugin[] plugins) =>
        StartAsync(postgres, prefix, $"http:\n  listen: \"127.0.0.1:0\"\n  token: {Token}\n", embedded: false, plugins);

    /// <summary>
    /// Starts an application's own <c>WebApplication</c> that embeds Sequin (<c>AddSequin</c>, <c>AddSequinHttp</c>,
    /// <c>MapSequin</c>) on 127.0.0.1 without a token. A request header <c>X-Test-Remote</c> sets the caller's address,
    /// as if the request came from that machine.
    /// </summary>
    public static Task<ApiHost> StartEmbeddedAsync(PostgresFixture postgres, string prefix) =>
        StartAsync(postgres, prefix, string.Empty, embedded: true);

    private static async Task<ApiHost> StartAsync(PostgresFixture postgres, string prefix, string httpYaml, bool embedded, ISinkPlugin[]? plugins = null, Action<IServiceCollection>? addToHost = null)
    {
        var database = await postgres.CreateDatabaseAsync(prefix);
        await postgres.Server.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY, v int)", database);
        var directory = Path.Combine(Path.GetTempPath(), "sequin-http-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "sequin.yaml");
        await File.WriteAllTextAsync(path, $$"""
            databases:
              - name: db
                hostname: {{PostgresServer.Host}}
                port: {{postgres.Server.Port}}
                database: {{database}}
                username: postgres
                slot: { name: sequin_{{database.Replace('-', '_')}}, create_if_not_exists: true }
                publication: { name: sequin_pub, create_if_not_exists: true }
            sinks:
              - name: gated
                database: db
                park_after_failures: 1
                destination:
                  type: gated
                  label: api-test
                  api_key: {{SinkSecret}}
            health:
              sink_failing_ms: 1000
            {{httpYaml}}
            """);

        var sink = new GatedSinkPlugin();
        var configuration = new ConfigurationBuilder().AddSequinYaml(path).Build();
        var catalog = new SinkPluginCatalog([sink, .. plugins ?? []]);
        var result = SequinConfigLoader.Load(configuration, catalog, directory);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var config = Slow(result.Config!);

        var logs = new ListLogger();
        var (host, address) = embedded ? await StartEmbeddedAsync(config, directory, logs, catalog) : await StartToolHostAsync(config, directory, logs, catalog, addToHost);
        var api = new ApiHost(host, directory, database, postgres.Server, sink, logs, address, new ConcurrentQueue<string>())
        {
            ToolSetup = embedded ? null : (config, catalog, addToHost),
        };
        await Eventually.UntilAsync(
            async () => await postgres.Server.ScalarAsync<long>("SELECT count(*) FROM pg_replication_slots WHERE active", database) == 1,
            () => "the replication slot is in use");
        return api;
    }

    /// <summary>A client of the listener that records every response body; with or without the token.</summary>
    public HttpClient CreateClient(bool withToken)
    {
        var client = new HttpClient(new RecordingHandler(Bodies)) { BaseAddress = Address };
        if (withToken)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        return client;
    }

    // As `sequin run` builds it: the generic host, the runtime, and the listener of `http:`.
    private static async Task<(IHost, Uri)> StartToolHostAsync(SequinConfig config, string directory, ListLogger logs, ISinkPluginCatalog catalog, Action<IServiceCollection>? addToHost)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = directory });
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSequin(config, o => o.DrainTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSequinHttpListener(config.Http!, config.Http!.Token);
        // As `sequin run`: live configuration changes load sequin.yaml (or a posted text) like the host did at start.
        var file = Path.Combine(directory, "sequin.yaml");
        builder.Services.AddSingleton(sp => new LiveConfiguration(
            sp.GetRequiredService<SequinRuntime>(),
            yaml =>
            {
                var path = file;
                if (yaml is not null)
                {
                    path = Path.Combine(directory, "posted-" + Guid.NewGuid().ToString("N") + ".yaml");
                    File.WriteAllText(path, yaml);
                }

                return SequinConfigLoader.Load(new ConfigurationBuilder().AddSequinYaml(path).Build(), catalog, directory);
            },
            file));
        addToHost?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        var listener = host.Services.GetRequiredService<SequinHttpListener>();
        return (host, new UriBuilder(listener.Address!) { Host = "127.0.0.1" }.Uri);
    }

    // As an application embeds it: its own WebApplication, one call for the services and one for the endpoints.
    private static async Task<(IHost, Uri)> StartEmbeddedAsync(SequinConfig config, string directory, ListLogger logs, ISinkPluginCatalog catalog)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = directory });
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddSingleton(catalog);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSequin(config, o => o.DrainTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSequinHttp();
        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Headers["X-Test-Remote"].ToString() is { Length: > 0 } remote)
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            }

            return next(context);
        });
        app.MapSequin();
        await app.StartAsync();
        return (app, new Uri(app.Urls.Single()));
    }

    public Task ExecuteAsync(string sql) => Server.ExecuteAsync(sql, Database);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_handedOver)
        {
            return;
        }

        Consumer.Resume(); // a paused sink would hold the drain for its whole timeout
        await _host.StopAsync();
        _host.Dispose();
        await Server.ExecuteAsync($"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active AND database = '{Database}'");
        Directory.Delete(_directory, recursive: true);

        // The suite's secrets check: every response body and log line of every test that ran a host, not only the security test's.
        var texts = Bodies.Concat(Logs.Entries.Select(e => e.Message + " " + e.Exception));
        var leaks = texts.Where(t => t.Contains(Token, StringComparison.Ordinal) || t.Contains(SinkSecret, StringComparison.Ordinal)).ToList();
        if (leaks.Count > 0)
        {
            throw new InvalidOperationException($"A configured secret appeared in {leaks.Count} response bodies or log lines, e.g.: {leaks[0]}");
        }
    }

    // Parked messages are retried after 10 minutes: only the API's retry brings one back within a test.
    private static SequinConfig Slow(SequinConfig config) => new()
    {
        Databases = config.Databases,
        Functions = config.Functions,
        Http = config.Http,
        Health = config.Health,
        OtherKeys = config.OtherKeys,
        Sinks = [.. config.Sinks.Select(s => new SinkConfig
        {
            Settings = s.Settings with { RetryBaseDelay = TimeSpan.FromMinutes(10), RetryMaxDelay = TimeSpan.FromMinutes(10), RetryRequestPollInterval = TimeSpan.FromMilliseconds(200) },
            Status = s.Status,
            Keys = s.Keys,
            Type = s.Type,
            Plugin = s.Plugin,
            Options = s.Options,
            RoutingMode = s.RoutingMode,
        })],
    };

    // A request sent with Expect: 100-continue waits this long for the server's answer before sending its body: an
    // oversized body is answered 413 unread, and sending it anyway races the server closing the connection.
    private sealed class RecordingHandler(ConcurrentQueue<string> bodies) : DelegatingHandler(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) })
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            bodies.Enqueue(await response.Content.ReadAsStringAsync(cancellationToken));
            return response;
        }
    }
}
