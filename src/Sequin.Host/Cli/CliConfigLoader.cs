using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Sequin.Configuration;
using Sequin.Hosting.Configuration;
using Sequin.Hosting.Plugins;
using Sequin.Sinks;

namespace Sequin.Host.Cli;

/// <summary>Loads <c>sequin.yaml</c> (+ <c>SEQUIN_</c> variables) and the plugins the way every command does.</summary>
internal static class CliConfigLoader
{
    public static SinkPluginCatalog LoadCatalog(SequinCliOptions options, string? pluginsDirectory, ILogger? logger = null) =>
        PluginDirectory.CreateCatalog(pluginsDirectory ?? options.DefaultPluginsDirectory, options.RegisteredPlugins, logger);

    /// <summary>Reads the file into configuration; syntax errors and missing variables come back as errors.</summary>
    public static (IConfigurationRoot? Configuration, IReadOnlyList<ConfigError> Errors) ReadConfiguration(string configPath, SequinCliOptions options)
    {
        var full = Path.GetFullPath(configPath);
        if (!File.Exists(full))
        {
            return (null, [new ConfigError(configPath, $"Configuration file not found: {full}.")]);
        }

        try
        {
            var configuration = new ConfigurationBuilder()
                .AddSequinYaml(full, options.GetEnvironmentVariable)
                .AddSequinEnvironmentVariables()
                .Build();
            return (configuration, []);
        }
        catch (SequinConfigurationException ex)
        {
            return (null, ex.Errors);
        }
        catch (InvalidDataException ex) when (ex.InnerException is SequinConfigurationException inner)
        {
            return (null, inner.Errors);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return (null, [new ConfigError(configPath, ex.Message)]);
        }
    }

    /// <summary>Reads and validates the file against the catalog.</summary>
    public static SequinConfigResult Load(string configPath, ISinkPluginCatalog catalog, SequinCliOptions options)
    {
        var (configuration, errors) = ReadConfiguration(configPath, options);
        if (configuration is null)
        {
            return new SequinConfigResult(null, errors);
        }

        return SequinConfigLoader.Load(configuration, catalog, Path.GetDirectoryName(Path.GetFullPath(configPath)));
    }

    /// <summary>
    /// Loads the plugins and the configuration and finds one sink in it; on failure writes every error (or the known
    /// sink names) to <paramref name="error"/> and returns null.
    /// </summary>
    public static SinkConfig? LoadSink(SequinCliOptions options, string configPath, string? pluginsDirectory, string sinkName, TextWriter error)
    {
        var catalog = LoadCatalog(options, pluginsDirectory);
        var result = Load(configPath, catalog, options);
        if (!result.IsValid)
        {
            WriteErrors(error, configPath, result.Errors);
            return null;
        }

        var sink = result.Config!.FindSink(sinkName);
        if (sink is null)
        {
            error.WriteLine($"No sink named '{sinkName}' in {configPath}. Sinks: {string.Join(", ", result.Config.Sinks.Select(s => s.Name))}.");
        }

        return sink;
    }

    public static void WriteErrors(TextWriter error, string configPath, IReadOnlyList<ConfigError> errors)
    {
        error.WriteLine($"{configPath}: {errors.Count} error(s):");
        foreach (var e in errors)
        {
            error.WriteLine($"  {(e.Path.Length == 0 ? "(file)" : e.Path)}: {e.Message}");
        }
    }

    public static void WriteFailures(TextWriter error, IReadOnlyList<SinkPluginLoadFailure> failures)
    {
        foreach (var failure in failures)
        {
            error.WriteLine($"warning: plugin {failure.Source} was skipped: {failure.Reason}");
        }
    }
}
