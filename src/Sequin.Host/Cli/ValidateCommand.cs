using System.CommandLine;
using Sequin.Configuration;

namespace Sequin.Host.Cli;

/// <summary><c>sequin validate</c>: every mistake with its key path (exit 1), or "valid" and a summary (exit 0).</summary>
internal static class ValidateCommand
{
    public static Command Create(SequinCliOptions options)
    {
        var config = CliOptions.Config();
        var plugins = CliOptions.PluginsDirectory();
        var command = new Command("validate", "Checks sequin.yaml: prints every mistake with its key path.") { config, plugins };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var configPath = parseResult.GetValue(config)!;
            var catalog = CliConfigLoader.LoadCatalog(options, parseResult.GetValue(plugins));
            CliConfigLoader.WriteFailures(error, catalog.Failures);
            var result = CliConfigLoader.Load(configPath, catalog, options);
            CliConfigLoader.WriteWarnings(error, result.Warnings);
            if (!result.IsValid)
            {
                CliConfigLoader.WriteErrors(error, configPath, result.Errors);
                return 1;
            }

            // What `sequin run` refuses at start (a non-loopback http.listen without a long enough token), validate refuses too.
            if (!HttpEndpoint.TryResolve(result.Config!.Http, null, options.GetEnvironmentVariable, out _, out _, out var problem))
            {
                error.WriteLine($"{configPath}: 1 error(s):");
                error.WriteLine($"  {problem}");
                return 1;
            }

            WriteSummary(output, configPath, result.Config!, result.Warnings.Count);
            return 0;
        });
        return command;
    }

    private static void WriteSummary(TextWriter output, string configPath, SequinConfig config, int warningCount)
    {
        var warnings = warningCount == 0 ? string.Empty : $", {warningCount} warning(s)";
        output.WriteLine($"{configPath} is valid: {config.Databases.Count} database(s), {config.Functions.Count} function(s), {config.Sinks.Count} sink(s){warnings}.");
        foreach (var db in config.Databases)
        {
            output.WriteLine($"  database {db.Name}: {db.Hostname}:{db.Port}/{db.Database}, slot {db.Slot.Name}, publication {db.Publication.Name}");
        }

        foreach (var fn in config.Functions)
        {
            var target = fn.SinkType is null ? string.Empty : $" for {fn.SinkType}";
            var kind = fn.Path is null ? fn.Kind.ToString().ToLowerInvariant() : $"path {fn.Path}";
            output.WriteLine($"  function {fn.Name}: {kind}{target}");
        }

        foreach (var sink in config.Sinks)
        {
            var routing = sink.RoutingFunction is null ? "static routing" : $"dynamic routing ({sink.RoutingFunction.Name})";
            var status = sink.Status == SinkStatus.Active ? string.Empty : ", disabled";
            output.WriteLine($"  sink {sink.Name}: {sink.Type} from {sink.Settings.Database}, {routing}{status}");
        }
    }
}
