using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Webhook;

// Names the sink class, so the host finds it in plugins/ without scanning.
[assembly: SequinSinkPlugin(typeof(WebhookSink))]

namespace Sequin.Sinks.Webhook;

/// <summary>
/// The <c>webhook</c> sink: its type name, description, limits and routing. Core does the rest from
/// <see cref="WebhookSinkOptions"/> (parsing, validation, static routes) and the delivery (<see cref="WebhookDelivery"/>).
/// </summary>
public sealed class WebhookSink : Sink<WebhookSinkOptions>
{
    /// <summary>The route key naming where a message goes (the routable option <see cref="WebhookSinkOptions.Destination"/>).</summary>
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

    /// <summary>The largest message the destination takes, in bytes; Core rejects larger ones without sending them (parked, not retried).</summary>
    public const long MaxMessageBytes = 256 * 1024;

    /// <inheritdoc />
    public override string TypeName => "webhook";

    /// <inheritdoc />
    // TODO: one sentence for `sequin plugins`.
    public override string Description => "Sends changes in batches to the webhook destination.";

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> RouteKeys => Keys;

    /// <inheritdoc />
    public override string DefaultRoutingFunction => """
        // Routing function for a webhook sink: return where each message goes.
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
    /// What the destination accepts. Core enforces it, so the delivery never re-checks or re-splits: <c>batch_size</c>
    /// above the limit is a configuration error, larger messages are rejected (parked, not retried) without reaching the
    /// delivery, batches stay within the counts and bytes, and a batch never mixes messages for different <c>BatchBy</c> keys.
    /// </summary>
    // TODO: your destination's limits; every member is shown with Core's default where this sink keeps it.
    public override SinkLimits GetLimits(WebhookSinkOptions options) => new()
    {
        MaxBatchMessages = MaxBatchMessages,              // the destination's batch call maximum
        DefaultBatchMessages = 100,                       // when the sink's batch_size is not set (at most MaxBatchMessages)
        MaxMessageBytes = MaxMessageBytes,                // one payload
        MaxBatchBytes = 5 * 1024 * 1024,                  // all the payloads of one batch
        DefaultLinger = TimeSpan.FromMilliseconds(5),     // how long a partial batch waits, when batch_timeout_ms is not set
        MaxConcurrentBatches = 16,                        // batches in flight; 1 if the destination must see them in order
        BatchBy = [DestinationKey],                       // route keys every message of a batch shares
    };

    /// <inheritdoc />
    public override ISinkDelivery CreateDelivery(WebhookSinkOptions options, SinkContext context) => WebhookDelivery.Create(options, context);

    /// <summary>Rules between keys, reported with the key they concern (each key's own rules come from its attribute).</summary>
    protected override void Validate(WebhookSinkOptions options, RoutingMode mode, Action<string, string> report)
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
