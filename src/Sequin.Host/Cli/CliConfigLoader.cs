using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Sequin.Configuration;
using Sequin.Host.Configuration;
using Sequin.Host.Plugins;
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
