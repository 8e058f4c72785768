using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sequin.Configuration;
using Sequin.Hosting;
using Sequin.Hosting.Configuration;
using Sequin.Pipeline;
using Sequin.Sinks;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// The <see cref="SequinRuntime"/> in the test process, over a YAML config, with the test's sink plugins registered in
/// code (embedding). Lets tests look at the runtime's own accounting (buffers, retries, discards) and its logs.
/// </summary>
internal sealed class InProcessRuntime : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ServiceProvider _services;

    private InProcessRuntime(SequinRuntime runtime, ServiceProvider services, ListLogger logs)
    {
        Runtime = runtime;
        _services = services;
        Logs = logs;
        Completion = Task.Run(() => runtime.RunAsync(_stop.Token));
    }

    public SequinRuntime Runtime { get; }

    public ListLogger Logs { get; }

    public Task Completion { get; }

    public SinkConsumer Consumer => Runtime.Consumers.Single();

    /// <summary>Loads <paramref name="yamlPath"/>, lets <paramref name="adjust"/> change each sink's runtime settings, and starts.</summary>
    public static InProcessRuntime Start(
        string yamlPath,
        IEnumerable<ISinkPlugin> plugins,
        Func<SinkConsumerSettings, SinkConsumerSettings>? adjust = null,
        Action<SequinRuntimeOptions>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddSequinYaml(yamlPath).Build();
        var result = SequinConfigLoader.Load(configuration, new SinkPluginCatalog(plugins), Path.GetDirectoryName(yamlPath));
        if (!result.IsValid)
        {
            throw new InvalidOperationException("Invalid config: " + string.Join("; ", result.Errors));
        }

        var config = result.Config!;
        if (adjust is not null)
        {
            config = new SequinConfig
            {
                Databases = config.Databases,
                Functions = config.Functions,
                Sinks = [.. config.Sinks.Select(s => new SinkConfig
                {
                    Settings = adjust(s.Settings),
                    Status = s.Status,
                    Type = s.Type,
                    Plugin = s.Plugin,
                    Options = s.Options,
                    RoutingMode = s.RoutingMode,
                    RoutingFunction = s.RoutingFunction,
                    FilterFunction = s.FilterFunction,
                    TransformFunction = s.TransformFunction,
                    EnrichmentFunction = s.EnrichmentFunction,
                    InitialBackfill = s.InitialBackfill,
                })],
            };
        }

        var logs = new ListLogger();
        var services = new ServiceCollection().AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug)).BuildServiceProvider();
        var options = new SequinRuntimeOptions { DrainTimeout = TimeSpan.FromSeconds(5) };
        configure?.Invoke(options);
        var runtime = new SequinRuntime(config, services, services.GetRequiredService<ILoggerFactory>(), options: options);
        return new InProcessRuntime(runtime, services, logs);
    }

    /// <summary>Waits until the runtime has created its consumers (the slot is then being prepared or read).</summary>
    public Task WaitForConsumersAsync() =>
        Eventually.UntilAsync(
            () =>
            {
                if (Completion.IsCompleted)
                {
                    Completion.GetAwaiter().GetResult();
                    throw new InvalidOperationException("The runtime stopped on its own.");
                }

                return Runtime.Consumers.Count > 0;
            },
            () => "the runtime started its consumers");

    /// <summary>For a failed wait's message: whether the runtime still runs (or how it ended), then its log at Information and above.</summary>
    public string Diagnostics()
    {
        var state = !Completion.IsCompleted ? "running" : Completion.IsFaulted ? "stopped: " + Completion.Exception!.GetBaseException().Message : "stopped";
        var lines = Logs.Entries.Where(e => e.Level >= LogLevel.Information).Select(e => $"{e.Level} {e.EventId.Id}: {e.Message}").TakeLast(60);
        return $"runtime {state}; its log:\n" + string.Join("\n", lines);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Completion.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (!Completion.IsCompleted)
        {
            await _stop.CancelAsync();
            try
            {
                await Completion.WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
        await _services.DisposeAsync();
    }
}
