using Microsoft.Extensions.Configuration;
using Sequin.Functions;
using Sequin.Messages;
using Sequin.Pipeline;
using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>
/// Reads one <c>sinks[]</c> item: its name, database and status, what it takes (<see cref="SinkSourceReader"/>), how it
/// delivers (<see cref="SinkDeliveryReader"/>), its functions (<see cref="SinkFunctionsReader"/>), and its
/// <c>destination</c>, which the sink plugin named by <c>destination.type</c> parses with its own schema.
/// </summary>
internal static class SinkReader
{
    public static SinkConfig? Read(ConfigMap map, ISinkPluginCatalog catalog, SequinConfigLoader.Loaded loaded)
    {
        var before = map.Reader.ErrorCount;
        var name = map.Name();
        var database = map.String("database", required: true);
        var status = map.Enum<SinkStatus>("status") ?? SinkStatus.Active;
        var source = SinkSourceReader.Read(map);
        var delivery = SinkDeliveryReader.Read(map);
        var annotations = map.AnnotationsJson("annotations");
        var routingName = SinkFunctionsReader.ReadName(map, "routing");
        var filterName = SinkFunctionsReader.ReadName(map, "filter");
        var transformName = SinkFunctionsReader.ReadName(map, "transform");
        var enrichmentName = SinkFunctionsReader.ReadName(map, "enrichment");
        var mode = routingName is null ? RoutingMode.Static : RoutingMode.Dynamic;
        var (plugin, options, endpoint) = ReadDestination(map, catalog, mode, loaded.HttpEndpoints);
        OriginalKeys.ReadSink(map);
        var initialBackfill = InitialBackfillReader.Read(map);
        map.RejectUnknown();

        if (database is not null && !loaded.Databases.Any(d => string.Equals(d.Name, database, StringComparison.Ordinal))
            && !loaded.DatabaseItems.Any(d => string.Equals(d["name"], database, StringComparison.Ordinal)))
        {
            var known = loaded.Databases.Count == 0 ? "No databases are defined." : $"Defined databases: {string.Join(", ", loaded.Databases.Select(d => d.Name))}.";
            map.Error("database", $"Database '{database}' is not defined in databases. {known}");
        }

        var settings = delivery(source(new SinkConsumerSettings { Consumer = new ConsumerInfo(name ?? string.Empty, name ?? string.Empty, annotations), Database = database ?? string.Empty }));
        if (options is not null && settings.BatchSize is { } size && plugin!.GetLimits(options).MaxBatchMessages is var most && size > most)
        {
            map.Error("batch_size", $"Must be at most {most} for a {plugin.TypeName} sink: its destination takes at most {most} messages per batch (got {size}).");
        }

        var routing = SinkFunctionsReader.Resolve(map, "routing", routingName, FunctionKind.Routing, loaded.FunctionItems, loaded.Functions);
        if (routing is not null && plugin is not null && !string.Equals(routing.SinkType, plugin.TypeName, StringComparison.OrdinalIgnoreCase))
        {
            map.Error("routing", $"Function '{routing.Name}' routes for sink type '{routing.SinkType}', but this sink's type is '{plugin.TypeName}'.");
        }

        var filter = SinkFunctionsReader.Resolve(map, "filter", filterName, FunctionKind.Filter, loaded.FunctionItems, loaded.Functions);
        var transform = SinkFunctionsReader.Resolve(map, "transform", transformName, FunctionKind.Transform, loaded.FunctionItems, loaded.Functions);
        var enrichment = SinkFunctionsReader.Resolve(map, "enrichment", enrichmentName, FunctionKind.Enrichment, loaded.FunctionItems, loaded.Functions);
        if (enrichment is not null && settings.IncludeTables.Count != 1)
        {
            map.Error("enrichment", $"Function '{enrichment.Name}' enriches by the primary key of one table: a sink with an enrichment function reads exactly one table (source.include_tables with one entry), as in the original.");
        }
        if (map.Reader.ErrorCount > before || name is null || database is null || plugin is null || options is null)
        {
            return null;
        }

        return new SinkConfig
        {
            Settings = settings,
            Status = status,
            Type = plugin.TypeName,
            Plugin = plugin,
            Options = options,
            RoutingMode = mode,
            RoutingFunction = routing,
            FilterFunction = filter,
            TransformFunction = transform,
            EnrichmentFunction = enrichment,
            InitialBackfill = initialBackfill,
            HttpEndpoint = endpoint?.Name,
            HttpEndpointKeys = endpoint is null ? [] : [.. endpoint.Keys().Select(k => k.Key)],
        };
    }

    /// <summary>What <paramref name="catalog"/> offers, for errors naming an unknown sink type.</summary>
    public static string KnownTypes(ISinkPluginCatalog catalog)
    {
        var known = catalog.Plugins.Count == 0
            ? "No sink plugins are loaded."
            : $"Known types: {string.Join(", ", catalog.Plugins.Select(p => p.TypeName).Order(StringComparer.Ordinal))}.";
        return catalog.Failures.Count == 0 ? known : known + $" ({catalog.Failures.Count} plugin(s) failed to load; run 'sequin plugins'.)";
    }

    private static (ISinkPlugin? Plugin, object? Options, HttpEndpointItem? Endpoint) ReadDestination(
        ConfigMap sink, ISinkPluginCatalog catalog, RoutingMode mode, IReadOnlyList<HttpEndpointItem> endpoints)
    {
        var destination = sink.Map("destination", required: true);
        if (destination is null)
        {
            return default;
        }

        // The plugin's schema reads every key of destination but type, and reports the unknown ones itself.
        var type = destination.Reader.GetString(destination.Section, "type", destination.Path, required: true);
        ISinkPlugin? plugin = null;
        if (type is not null && !catalog.TryGetPlugin(type.Trim(), out plugin))
        {
            destination.Error("type", $"Unknown sink type '{type}'. {SinkTypeHints.For(type.Trim())}{KnownTypes(catalog)}");
        }

        if (plugin is null)
        {
            return default;
        }

        // destination.http_endpoint names an http_endpoints[] item, whose keys the plugin reads as its own.
        var (section, endpoint) = plugin.Schema.Fields.Any(f => string.Equals(f.Name, HttpEndpointReference.Key, StringComparison.Ordinal))
            ? HttpEndpointReference.Resolve(destination, endpoints)
            : (destination.Section, null);
        var parsed = plugin.Schema.Parse(section, mode, destination.Path);
        foreach (var error in parsed.Errors)
        {
            sink.Reader.Error(HttpEndpointReference.PathOf(error.Path, destination.Path, endpoint), error.Message);
        }

        return (plugin, parsed.IsValid ? parsed.Options : null, endpoint);
    }
}
