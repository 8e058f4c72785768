using System.CommandLine;

namespace Sequin.Host.Cli;

/// <summary>The options several commands share.</summary>
internal static class CliOptions
{
    public static Option<string> Config() => new("--config", "-c")
    {
        Description = "The configuration file.",
        DefaultValueFactory = _ => "sequin.yaml",
    };

    public static Option<string?> PluginsDirectory() => new("--plugins-dir")
    {
        Description = "A plugins folder (plugins/<Name>/<Name>.dll) searched in addition to plugins/ next to the sequin executable, SEQUIN_PLUGINS_DIR and the user plugins folder.",
    };
}
