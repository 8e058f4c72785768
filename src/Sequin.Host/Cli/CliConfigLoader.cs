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
    /// <summary>The plugins registered in code and those of every plugins folder (<see cref="PluginSources"/>).</summary>
    public static SinkPluginCatalog LoadCatalog(SequinCliOptions options, string? pluginsDirectory, ILogger? logger = null) =>
        PluginDirectory.CreateCatalog(PluginSources.For(options, pluginsDirectory), options.RegisteredPlugins, logger);

    /// <summary>
    /// Reads the file into configuration. Errors that stop reading (syntax, size limits) come back without a
    /// configuration; errors of single values (missing variables) come back with it, to be reported with the validation.
    /// </summary>
    public static (IConfigurationRoot? Configuration, IReadOnlyList<ConfigError> Errors) ReadConfiguration(string configPath, SequinCliOptions options) =>
        ReadConfiguration(configPath, options, null);

    private static (IConfigurationRoot? Configuration, IReadOnlyList<ConfigError> Errors) ReadConfiguration(
        string configPath, SequinCliOptions options, IDictionary<string, string>? variables)
    {
        var full = Path.GetFullPath(configPath);
        if (!File.Exists(full))
        {
            return (null, [new ConfigError(configPath, $"Configuration file not found: {full}.")]);
        }

        try
        {
            var valueErrors = new List<ConfigError>();
            var configuration = new ConfigurationBuilder()
                .AddSequinYaml(full, options.GetEnvironmentVariable, errors: valueErrors, variables: variables)
                .AddSequinEnvironmentVariables()
                .Build();
            return (configuration, valueErrors);
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

    /// <summary>
    /// Reads and validates the file against the catalog. Every error comes back at once: those of reading the file
    /// (a missing variable) first, then the validation's, without a second error for a key the first already explains.
    /// A value that came from a <c>${VAR}</c> is never quoted by an error: it shows as <c>${VAR}</c>.
    /// </summary>
    public static SequinConfigResult Load(string configPath, ISinkPluginCatalog catalog, SequinCliOptions options) =>
        Load(configPath, catalog, options, null);

    /// <summary>
    /// Loads YAML text (a configuration posted to a running host) as if it were the file <paramref name="configPath"/>:
    /// function files resolve from that file's folder. The text goes through a private temporary file, deleted after.
    /// </summary>
    public static SequinConfigResult LoadText(string yaml, string configPath, ISinkPluginCatalog catalog, SequinCliOptions options)
    {
        var temporary = Path.Combine(Path.GetTempPath(), "sequin-posted-" + Guid.NewGuid().ToString("N") + ".yaml");
        try
        {
            File.WriteAllText(temporary, yaml);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            var result = Load(temporary, catalog, options, Path.GetDirectoryName(Path.GetFullPath(configPath)));
            return result.IsValid ? result : new SequinConfigResult(null, result.Errors.Select(e => e with { Path = e.Path == temporary ? string.Empty : e.Path, Message = e.Message.Replace(temporary, "(posted configuration)", StringComparison.Ordinal) }).ToList()) { Warnings = result.Warnings };
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static SequinConfigResult Load(string configPath, ISinkPluginCatalog catalog, SequinCliOptions options, string? baseDirectory)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var (configuration, errors) = ReadConfiguration(configPath, options, variables);
        if (configuration is null)
        {
            return new SequinConfigResult(null, errors);
        }

        var result = SequinConfigLoader.Load(configuration, catalog, baseDirectory ?? Path.GetDirectoryName(Path.GetFullPath(configPath)));
        if (errors.Count == 0 && result.Errors.Count == 0)
        {
            return result;
        }

        var explained = errors.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        List<ConfigError> all = [.. errors, .. result.Errors.Where(e => !explained.Contains(e.Path))];
        return new SequinConfigResult(null, all.Select(e => Redact(e, variables)).ToList()) { Warnings = result.Warnings };
    }

    /// <summary>Replaces each substituted variable's value (of 3 characters or more) in the message with its reference.</summary>
    private static ConfigError Redact(ConfigError error, Dictionary<string, string> variables)
    {
        var message = error.Message;
        foreach (var (name, value) in variables.Where(v => v.Value.Length >= 3).OrderByDescending(v => v.Value.Length))
        {
            message = message.Replace(value, "${" + name + "}", StringComparison.Ordinal);
        }

        return message == error.Message ? error : error with { Message = message };
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

    /// <summary>Writes each warning as <c>warning: key.path: message</c>.</summary>
    public static void WriteWarnings(TextWriter error, IReadOnlyList<ConfigError> warnings)
    {
        foreach (var warning in warnings)
        {
            error.WriteLine($"warning: {warning.Path}: {warning.Message}");
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
