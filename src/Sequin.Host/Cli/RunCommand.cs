using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sequin.Configuration;
using Sequin.Hosting;
using Sequin.Hosting.AspNetCore;

namespace Sequin.Host.Cli;

/// <summary>
/// <c>sequin run</c>: loads and validates the configuration and the plugins, then builds a generic host with
/// <see cref="SequinConfig"/>, <see cref="ISinkPluginCatalog"/> and <see cref="TimeProvider"/> registered, lets
/// <see cref="SequinCliOptions.ConfigureRunServices"/> add the runtime, and runs until stopped (Ctrl+C, SIGTERM).
/// Logs go to standard error, so that the stdout sink's output stays clean.
/// </summary>
internal sealed class RunCommand
{
    private readonly SequinCliOptions _options;

    public RunCommand(SequinCliOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    public Command CreateCommand()
    {
        var config = CliOptions.Config();
        var plugins = CliOptions.PluginsDirectory();
        var httpListen = new Option<string?>("--http-listen")
        {
            Description = "Serves the HTTP management API on host:port (as http.listen in sequin.yaml; e.g. 127.0.0.1:7376). A non-loopback address needs a token (http.token or SEQUIN_HTTP_TOKEN).",
        };
        var watchConfig = new Option<bool>("--watch-config")
        {
            Description = "Applies the configuration file again whenever it changes, as SIGHUP and `sequin config apply` do (off by default).",
        };
        var command = new Command("run", "Streams changes from the configured databases to the sinks until stopped.") { config, plugins, httpListen, watchConfig };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(config)!,
            parseResult.GetValue(plugins),
            parseResult.InvocationConfiguration.Error,
            cancellationToken,
            parseResult.GetValue(httpListen),
            parseResult.GetValue(watchConfig)));
        return command;
    }

    /// <summary>Runs the host; returns the exit code (0 after a clean stop, 1 for invalid configuration or a runtime failure).</summary>
    public async Task<int> RunAsync(string configPath, string? pluginsDirectory, TextWriter error, CancellationToken cancellationToken, string? httpListen = null, bool watchConfig = false)
    {
        ArgumentNullException.ThrowIfNull(error);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ApplicationName = "sequin",
            ContentRootPath = Path.GetDirectoryName(Path.GetFullPath(configPath)),
        });
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

        // HttpClient logs four lines per request at Information (the Typesense and SNS sinks make many): warnings only by
        // default; Logging__LogLevel__System.Net.Http.HttpClient=Information (or appsettings.json) brings them back.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData =
            [
                new("Logging:LogLevel:System.Net.Http.HttpClient", "Warning"),
                // The HTTP endpoint's per-request lines (ASP.NET Core's hosting and routing logs), likewise.
                new("Logging:LogLevel:Microsoft.AspNetCore", "Warning"),
            ],
        });

        // Plugins are loaded before the host is built: they decide which destinations parse. Their load messages go
        // through a temporary logger factory with the host's logging configuration.
        using var bootstrapLogging = LoggerFactory.Create(b =>
        {
            b.AddConfiguration(builder.Configuration.GetSection("Logging"));
            b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        var logger = bootstrapLogging.CreateLogger("Sequin.Host");
        var catalog = CliConfigLoader.LoadCatalog(_options, pluginsDirectory, logger);
        var result = CliConfigLoader.Load(configPath, catalog, _options);
        if (!result.IsValid)
        {
            CliConfigLoader.WriteErrors(error, configPath, result.Errors);
            return 1;
        }

        foreach (var warning in result.Warnings)
        {
            HostLog.ConfigWarning(logger, configPath, warning.Path, warning.Message);
        }

        var config = result.Config!;
        if (!HttpEndpoint.TryResolve(config.Http, httpListen, _options.GetEnvironmentVariable, out var http, out var token, out var problem))
        {
            error.WriteLine($"sequin run: {problem}");
            return 1;
        }

        HostLog.ConfigLoaded(logger, configPath, config.Databases.Count, config.Functions.Count, config.Sinks.Count);
        if (_options.ConfigureRunServices is null)
        {
            error.WriteLine("sequin run: this build has no runtime wired (SequinCliOptions.ConfigureRunServices is not set).");
            return 1;
        }

        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton<ISinkPluginCatalog>(catalog);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient();
        _options.ConfigureRunServices(builder.Services, config, catalog);
        if (builder.Services.Any(d => d.ServiceType == typeof(SequinRuntime)))
        {
            // Live configuration: `sequin config apply`, POST /api/config/apply, SIGHUP and --watch-config load the
            // configuration as this command did (same plugins, variables and folder) and apply it to the runtime.
            builder.Services.AddSingleton(sp => new LiveConfiguration(
                sp.GetRequiredService<SequinRuntime>(),
                yaml => yaml is null ? CliConfigLoader.Load(configPath, catalog, _options) : CliConfigLoader.LoadText(yaml, configPath, catalog, _options),
                configPath));
            builder.Services.AddHostedService(sp => new ConfigReloadService(
                sp.GetRequiredService<LiveConfiguration>(), watchConfig, sp.GetRequiredService<ILogger<ConfigReloadService>>()));
        }
        if (http is not null)
        {
            builder.Services.AddSequinHttpListener(http, token);
            Sequin.WebConsole.ConsoleListenerServiceCollectionExtensions.AddSequinConsoleToListener(builder.Services);
        }

        if (config.Otlp is { } otlp)
        {
            Sequin.Hosting.AspNetCore.Metrics.SequinOtlpExport.AddSequinOtlpExport(builder.Services, otlp);
        }

        // The host must wait for the runtime's whole graceful stop: the drain, then the final acknowledgement (up to 15 s).
        builder.Services.AddOptions<HostOptions>().Configure<IServiceProvider>((hostOptions, services) =>
        {
            var drain = services.GetService<SequinRuntimeOptions>()?.DrainTimeout ?? new SequinRuntimeOptions().DrainTimeout;
            var needed = drain + TimeSpan.FromSeconds(30);
            if (hostOptions.ShutdownTimeout < needed)
            {
                hostOptions.ShutdownTimeout = needed;
            }
        });
        using var host = builder.Build();
        var runtime = host.Services.GetService<SequinHostedService>();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        if (runtime?.Failure is { } failure)
        {
            error.WriteLine($"sequin run: {failure.Message}");
            return 1;
        }

        return 0;
    }
}
