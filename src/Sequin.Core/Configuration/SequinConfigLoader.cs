using Microsoft.Extensions.Configuration;
using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>
/// Turns the configuration tree of a <c>sequin.yaml</c> (keys like <c>sinks:0:destination:hosts</c>) into a validated
/// <see cref="SequinConfig"/>, reporting every mistake at once with its key path. Unknown keys are mistakes.
/// </summary>
/// <remarks>
/// Each part has its reader, which declares its keys by reading them: <see cref="DatabaseReader"/>,
/// <see cref="FunctionReader"/>, <see cref="SinkReader"/> and the readers they use.
/// </remarks>
public static class SequinConfigLoader
{
    /// <summary>Loads and validates a configuration, resolving function <c>file:</c> paths from the current directory.</summary>
    /// <param name="configuration">The configuration root holding <c>databases</c>, <c>functions</c> and <c>sinks</c>.</param>
    /// <param name="catalog">The sink plugins; each <c>destination.type</c> must name one.</param>
    /// <returns>The config, or every error found with its key path.</returns>
    public static SequinConfigResult Load(IConfiguration configuration, ISinkPluginCatalog catalog) =>
        Load(configuration, catalog, null);

    /// <summary>Loads and validates a configuration.</summary>
    /// <param name="configuration">The configuration root holding <c>databases</c>, <c>functions</c> and <c>sinks</c>.</param>
    /// <param name="catalog">The sink plugins; each <c>destination.type</c> must name one.</param>
    /// <param name="baseDirectory">The folder function <c>file:</c> paths are relative to (the YAML file's folder); null for the current directory.</param>
    /// <returns>The config, or every error found with its key path.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configuration"/> or <paramref name="catalog"/> is null.</exception>
    public static SequinConfigResult Load(IConfiguration configuration, ISinkPluginCatalog catalog, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(catalog);
        var errors = new List<ConfigError>();
        var warnings = new List<ConfigError>();
        var reader = new ConfigReader(errors, warnings);
        var root = baseDirectory ?? Directory.GetCurrentDirectory();
        var top = new ConfigMap(reader, configuration, string.Empty);
        var databaseItems = top.List("databases") ?? [];
        var functionItems = top.List("functions") ?? [];
        var sinkItems = top.List("sinks") ?? [];
        var http = HttpReader.Read(top);
        var health = HealthReader.Read(top);
        var otlp = MetricsReader.Read(top);
        var httpEndpoints = HttpEndpointsReader.Read(top);
        OriginalKeys.ReadTopLevel(top);

        var databases = ReadItems(reader, databaseItems, "databases", "database", map => DatabaseReader.Read(map, root));
        var functions = ReadItems(reader, functionItems, "functions", "function", map => FunctionReader.Read(map, catalog, root));
        var loaded = new Loaded(databaseItems, databases, functionItems, functions) { HttpEndpoints = httpEndpoints };
        var sinks = ReadItems(reader, sinkItems, "sinks", "sink", map => SinkReader.Read(map, catalog, loaded));

        if (errors.Count > 0)
        {
            return new SequinConfigResult(null, errors) { Warnings = warnings };
        }

        // What each item was written as (after substitution): a live configuration change compares these (ConfigPlan).
        var databaseKeys = ConfigKeys.ByName(databaseItems);
        var functionKeys = ConfigKeys.ByName(functionItems);
        var sinkKeys = ConfigKeys.ByName(sinkItems);
        foreach (var database in databases)
        {
            database.Keys = databaseKeys.GetValueOrDefault(database.Name) ?? ConfigKeys.Empty;
        }

        foreach (var function in functions)
        {
            function.Keys = functionKeys.GetValueOrDefault(function.Name) ?? ConfigKeys.Empty;
        }

        foreach (var sink in sinks)
        {
            sink.Keys = sinkKeys.GetValueOrDefault(sink.Name) ?? ConfigKeys.Empty;
        }

        var config = new SequinConfig { Databases = databases, Functions = functions, Sinks = sinks, Http = http, Health = health, Otlp = otlp, OtherKeys = ConfigKeys.Others(configuration) };
        return new SequinConfigResult(config, errors) { Warnings = warnings };
    }

    /// <summary>Reads each item of a top-level list with <paramref name="read"/>, and reports names used twice.</summary>
    private static List<T> ReadItems<T>(ConfigReader reader, List<IConfigurationSection> items, string key, string what, Func<ConfigMap, T?> read)
        where T : class
    {
        var result = new List<T>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var path = ConfigReader.Item(key, i);
            var item = ConfigMap.Item(reader, items[i], path) is { } map ? read(map) : null;
            ConfigMap.CheckDuplicateName(reader, items[i], path, names, what);
            if (item is not null)
            {
                result.Add(item);
            }
        }

        return result;
    }

    /// <summary>The databases and functions as written and as read, which sinks refer to by name.</summary>
    internal sealed record Loaded(
        IReadOnlyList<IConfigurationSection> DatabaseItems,
        IReadOnlyList<DatabaseConfig> Databases,
        IReadOnlyList<IConfigurationSection> FunctionItems,
        IReadOnlyList<FunctionConfig> Functions)
    {
        /// <summary>The <c>http_endpoints</c> a destination's <c>http_endpoint</c> names.</summary>
        public IReadOnlyList<HttpEndpointItem> HttpEndpoints { get; init; } = [];
    }
}
