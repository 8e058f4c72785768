using Sequin.Pipeline;
using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>One sink consumer (<c>sinks[]</c>): its runtime settings, functions and parsed destination.</summary>
public sealed class SinkConfig
{
    /// <summary>The item's configuration keys (paths relative to it) and values as read, after substitution; compared by <see cref="ConfigPlan"/>.</summary>
    internal IReadOnlyDictionary<string, string?> Keys { get; set; } = ConfigKeys.Empty;

    /// <summary>The sink's name (<c>name</c>).</summary>
    public string Name => Settings.Consumer.Name;

    /// <summary>The runtime settings: source filter, actions, grouping, batching, retries, buffers.</summary>
    public required SinkConsumerSettings Settings { get; init; }

    /// <summary>Whether it consumes (<c>status</c>). Default: active.</summary>
    public SinkStatus Status { get; init; } = SinkStatus.Active;

    /// <summary>The sink type (<c>destination.type</c>), lower case, e.g. <c>kafka</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The plugin that handles <see cref="Type"/>.</summary>
    public required ISinkPlugin Plugin { get; init; }

    /// <summary>The destination options, as the plugin's schema parsed them (of type <see cref="ISinkSchema.OptionsType"/>).</summary>
    public required object Options { get; init; }

    /// <summary>Static (no <c>routing</c>, or <c>routing: none</c>) or dynamic (<c>routing: &lt;function&gt;</c>).</summary>
    public RoutingMode RoutingMode { get; init; }

    /// <summary>The routing function (dynamic mode), or null.</summary>
    public FunctionConfig? RoutingFunction { get; init; }

    /// <summary>The filter function (<c>filter</c>), or null.</summary>
    public FunctionConfig? FilterFunction { get; init; }

    /// <summary>The transform function (<c>transform</c>), or null.</summary>
    public FunctionConfig? TransformFunction { get; init; }

    /// <summary>The enrichment function (<c>enrichment</c>), or null: a SQL query whose rows become <c>metadata.enrichment</c>.</summary>
    public FunctionConfig? EnrichmentFunction { get; init; }

    /// <summary>
    /// Creates the filter → route → transform processors of this sink (its functions compiled once), as the runtime
    /// uses them; also what <c>sequin functions test</c> runs a sample message through.
    /// </summary>
    /// <summary>The sink's <c>initial_backfill</c>, or null: created once, the first time a host runs the sink.</summary>
    internal Backfills.InitialBackfill? InitialBackfill { get; init; }

    /// <summary>The <c>http_endpoints[]</c> item <c>destination.http_endpoint</c> names, or null.</summary>
    internal string? HttpEndpoint { get; init; }

    /// <summary>The destination keys that came from <see cref="HttpEndpoint"/> (exported there, not in the destination).</summary>
    internal IReadOnlyList<string> HttpEndpointKeys { get; init; } = [];

    internal Routing.MessageProcessorFactory CreateProcessorFactory() => new(CreateProcessorOptions());

    /// <summary>The options of this sink's processors (<see cref="CreateProcessorFactory"/>, <see cref="Routing.RoutingTrial"/>).</summary>
    internal Routing.MessageProcessorOptions CreateProcessorOptions() => new()
    {
        Routing = Plugin.Routing,
        Consumer = Settings.Consumer,
        SinkOptions = Options,
        Mode = RoutingMode,
        RoutingFunction = RoutingFunction?.ToDefinition(),
        FilterFunction = FilterFunction?.ToDefinition(),
        TransformFunction = TransformFunction?.ToDefinition(),
        TimestampFormat = Settings.TimestampFormat,
    };
}
