using System.CommandLine;
using Sequin.Sinks;

namespace Sequin.Host.Cli;

/// <summary><c>sequin plugins</c>: the sinks found, their fields and routable keys, and the plugins that failed.</summary>
internal static class PluginsCommand
{
    private static readonly string[] Header = ["field", "type", "required", "default", "secret", "routable", "description"];

    public static Command Create(SequinCliOptions options)
    {
        var plugins = CliOptions.PluginsDirectory();
        var command = new Command("plugins", "Lists the sink plugins found, with their fields, and the plugins that failed to load.") { plugins };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var sources = PluginSources.For(options, parseResult.GetValue(plugins));
            var catalog = CliConfigLoader.LoadCatalog(options, parseResult.GetValue(plugins));
            output.WriteLine("Plugins folders, searched in this order (the first to claim a sink type keeps it; a shipped sink always keeps its own):");
            foreach (var source in sources)
            {
                output.WriteLine($"  {Path.GetFullPath(source.Path)} ({source.Origin}){(Directory.Exists(source.Path) ? string.Empty : ", not found")}");
            }
            if (catalog.Plugins.Count == 0)
            {
                output.WriteLine("No sink plugins found.");
            }

            foreach (var plugin in catalog.Plugins)
            {
                try
                {
                    WritePlugin(output, plugin, sources);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Its metadata was read once when it loaded; a getter that throws later still only affects this plugin.
                    output.WriteLine($"  (its metadata threw {ex.GetType().Name}: {ex.Message})");
                }
            }

            if (catalog.Failures.Count > 0)
            {
                output.WriteLine();
                output.WriteLine($"Failed to load ({catalog.Failures.Count}):");
                foreach (var failure in catalog.Failures)
                {
                    output.WriteLine($"  {failure.Source}");
                    output.WriteLine($"    {failure.Reason}");
                }

                return 1;
            }

            return 0;
        });
        return command;
    }

    private static void WritePlugin(TextWriter output, ISinkPlugin plugin, IReadOnlyList<Hosting.Plugins.PluginSource> sources)
    {
        output.WriteLine();
        output.WriteLine($"{plugin.TypeName}: {plugin.Description}");
        var location = plugin.GetType().Assembly.Location;
        var origin = location.Length == 0 ? "registered in code" : PluginSources.Of(sources, location)?.Origin ?? "registered in code";
        output.WriteLine($"  from {(location.Length == 0 ? "(in memory)" : location)} ({origin})");
        var rows = new List<string[]> { Header };
        foreach (var field in plugin.Schema.Fields)
        {
            rows.Add(
            [
                field.Name,
                TypeText(field),
                field.Required ? "yes" : field.Routable ? "static" : "no",
                field.DefaultValue ?? string.Empty,
                field.Secret ? "yes" : "no",
                field.Routable ? "yes" : "no",
                field.Description,
            ]);
        }

        var widths = Enumerable.Range(0, 6).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            output.WriteLine("  " + string.Join("  ", row.Take(6).Select((cell, c) => cell.PadRight(widths[c]))) + "  " + row[6]);
        }

        var keys = plugin.Routing.Keys;
        output.WriteLine($"  routable keys: {(keys.Count == 0 ? "(none)" : string.Join(", ", keys.Select(k => k.Required ? k.Name + " (required)" : k.Name)))}");
    }

    private static string TypeText(SinkField field) => field.Type switch
    {
        SinkFieldType.WholeNumber => field.Minimum is not null || field.Maximum is not null ? $"int {field.Minimum?.ToString(System.Globalization.CultureInfo.InvariantCulture)}..{field.Maximum?.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "int",
        SinkFieldType.Boolean => "bool",
        SinkFieldType.Enum => string.Join("|", field.AllowedValues ?? []),
        SinkFieldType.Url => "url",
        _ => "text",
    };
}
