using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Sqs;

// Names the sink class, so the host finds it in plugins/ without scanning.
[assembly: SequinSinkPlugin(typeof(SqsSink))]

namespace Sequin.Sinks.Sqs;

/// <summary>
/// The <c>sqs</c> sink: its type name, description, limits and routing. Core does the rest from
/// <see cref="SqsSinkOptions"/> (parsing, validation, static routes) and the delivery (<see cref="SqsDelivery"/>).
/// </summary>
public sealed class SqsSink : Sink<SqsSinkOptions>
{
    /// <summary>The route key naming where a message goes (the routable option <see cref="SqsSinkOptions.Destination"/>).</summary>
    public const string DestinationKey = "destination";

    // TODO: the rules of your destination's names (length, characters). Core checks every route against them, in both
    // static and dynamic routing, and fails a message whose route breaks them, naming the key.
    private static readonly RoutableKey[] Keys =
    [
        new(DestinationKey, "Where the message goes at the destination (appended to the URL's path).")
        {
            Required = true,
            MaxLength = 255,
            AllowWhitespace = false,
        },
    ];

    /// <summary>The largest batch the destination takes in one request.</summary>
    // TODO: your destination's limits.
    public const int MaxBatchMessages = 500;

    /// <summary>The largest message the destination takes, in bytes; larger ones fail permanently without being sent.</summary>
    public const long MaxMessageBytes = 256 * 1024;

    /// <inheritdoc />
    public override string TypeName => "sqs";

    /// <inheritdoc />
    // TODO: one sentence for `sequin plugins`.
    public override string Description => "Sends changes in batches to the sqs destination.";

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> RouteKeys => Keys;

    /// <inheritdoc />
    public override string DefaultRoutingFunction => """
        // Routing function for a sqs sink: return where each message goes.
        //   destination (required): where the message goes at the destination.
        function route(action, record, changes, metadata) {
          return { destination: `${metadata.table_schema}.${metadata.table_name}` };
        }
        """;

    /// <summary>The default route of a message: <c>destination</c> = <c>&lt;schema&gt;.&lt;table&gt;</c> (dynamic routing, when the function leaves it unset).</summary>
    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        route[DestinationKey] = message.Relation.Schema + "." + message.Relation.Table;
    }

    /// <summary>
    /// What the destination accepts. Core enforces it: <c>batch_size</c> above the limit is a configuration error, larger
    /// messages fail permanently, and a batch never mixes messages for different <c>BatchBy</c> keys.
    /// </summary>
    public override SinkLimits GetLimits(SqsSinkOptions options) => new()
    {
        MaxBatchMessages = MaxBatchMessages,
        MaxMessageBytes = MaxMessageBytes,
        MaxBatchBytes = 5 * 1024 * 1024,
        BatchBy = [DestinationKey],
    };

    /// <inheritdoc />
    public override ISinkDelivery CreateDelivery(SqsSinkOptions options, SinkContext context) => SqsDelivery.Create(options, context);

    /// <summary>Rules between keys, reported with the key they concern (each key's own rules come from its attribute).</summary>
    protected override void Validate(SqsSinkOptions options, RoutingMode mode, Action<string, string> report)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);

        // TODO: your rules. An example: credentials must not travel in clear text to a remote host.
        if (options.Url is { Scheme: "http" } url && !url.IsLoopback && !string.IsNullOrEmpty(options.ApiKey))
        {
            report("url", "must be https when api_key is set (only a loopback address may use http)");
        }
    }
}
