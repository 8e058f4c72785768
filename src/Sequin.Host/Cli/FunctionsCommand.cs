using System.CommandLine;

namespace Sequin.Host.Cli;

/// <summary>
/// <c>sequin functions init --sink-type &lt;type&gt;</c>: prints the sink's default routing function to start from;
/// <c>sequin functions test</c>: see <see cref="FunctionsTestCommand"/>.
/// </summary>
internal static class FunctionsCommand
{
    public static Command Create(SequinCliOptions options)
    {
        var sinkType = new Option<string>("--sink-type") { Description = "The sink type the routing function is for, e.g. kafka.", Required = true };
        var plugins = CliOptions.PluginsDirectory();
        var init = new Command("init", "Prints the default routing function of a sink type (JavaScript) to start from.") { sinkType, plugins };
        init.SetAction(parseResult =>
        {
            var type = parseResult.GetValue(sinkType)!;
            var catalog = CliConfigLoader.LoadCatalog(options, parseResult.GetValue(plugins));
            if (!catalog.TryGetPlugin(type, out var plugin))
            {
                var known = catalog.Plugins.Count == 0 ? "no sink plugins are loaded" : "known types: " + string.Join(", ", catalog.Plugins.Select(p => p.TypeName));
                parseResult.InvocationConfiguration.Error.WriteLine($"Unknown sink type '{type}' ({known}).");
                return 1;
            }

            parseResult.InvocationConfiguration.Output.Write(plugin.Routing.DefaultRoutingFunction);
            return 0;
        });
        return new Command("functions", "Routing, filter and transform functions.") { init, FunctionsTestCommand.Create(options) };
    }
}
