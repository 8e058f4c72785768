using System.CommandLine;
using Sequin.Configuration;

namespace Sequin.Host.Cli;

/// <summary><c>sequin config export</c>: the validated configuration as YAML, secrets masked; <c>plan</c> and <c>apply</c> (<see cref="ConfigApplyCommand"/>).</summary>
internal static class ConfigCommand
{
    public static Command Create(SequinCliOptions options)
    {
        var config = CliOptions.Config();
        var plugins = CliOptions.PluginsDirectory();
        var export = new Command("export", "Prints the configuration as sequin.yaml, with defaults filled in and secrets masked.") { config, plugins };
        export.SetAction(parseResult =>
        {
            var configPath = parseResult.GetValue(config)!;
            var catalog = CliConfigLoader.LoadCatalog(options, parseResult.GetValue(plugins));
            var result = CliConfigLoader.Load(configPath, catalog, options);
            if (!result.IsValid)
            {
                CliConfigLoader.WriteErrors(parseResult.InvocationConfiguration.Error, configPath, result.Errors);
                return 1;
            }

            SequinConfigExporter.Export(result.Config!, parseResult.InvocationConfiguration.Output);
            return 0;
        });
        return new Command("config", "Configuration tools.") { export, ConfigApplyCommand.Create(options, apply: false), ConfigApplyCommand.Create(options, apply: true) };
    }
}
