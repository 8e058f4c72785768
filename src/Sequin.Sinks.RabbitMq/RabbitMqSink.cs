using System.Text;
using System.Text.Json;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.RabbitMq;

// Names the sink class, so the host finds it in plugins/ without scanning.
[assembly: SequinSinkPlugin(typeof(RabbitMqSink))]

namespace Sequin.Sinks.RabbitMq;

/// <summary>
/// The <c>rabbitmq</c> sink: each change is published to an exchange (route key <c>exchange</c>, required) with a
/// routing key (default <c>sequin.&lt;db&gt;.&lt;schema&gt;.&lt;table&gt;.&lt;action&gt;</c>), the AMQP
/// <c>message_id</c> = its idempotency key, headers, <c>content_type: application/json</c> and persistent delivery mode.
/// A message is delivered only once the broker confirmed it (publisher confirms; <see cref="RabbitMqDelivery"/>).
/// </summary>
public sealed class RabbitMqSink : Sink<RabbitMqSinkOptions>
{
    /// <summary>The route key of the exchange (static: the <c>exchange</c> option).</summary>
    public const string ExchangeKey = "exchange";

    /// <summary>The route key of the routing key (default <c>sequin.&lt;db&gt;.&lt;schema&gt;.&lt;table&gt;.&lt;action&gt;</c>).</summary>
    public const string RoutingKeyKey = "routing_key";

    /// <summary>The route key of the AMQP <c>message_id</c> property (default: the message's idempotency key).</summary>
    public const string MessageIdKey = "message_id";

    /// <summary>The route key of the message's headers, a map (static: the <c>headers</c> option; default none).</summary>
    public const string HeadersKey = "headers";

    /// <summary>RabbitMQ's default <c>max_message_size</c> (3.10): 128 MiB. Larger messages fail permanently without being sent.</summary>
    public const int MaxMessageBytes = 128 * 1024 * 1024;

    // AMQP 0-9-1 short strings (exchange, routing key, message id, header names) hold at most 255 bytes.
    private const int ShortStringBytes = 255;

    private static readonly RoutableKey[] Keys =
    [
        new(ExchangeKey, "The exchange the message is published to.") { Required = true, MaxLength = 255 },
        new(RoutingKeyKey, "The routing key the exchange routes by (may be empty).") { MinLength = 0, MaxLength = 255 },
        new(MessageIdKey, "The AMQP message_id property (default: the idempotency key).") { MaxLength = 255 },
        new(HeadersKey, "Message headers, an object of strings, e.g. { \"tenant\": \"7\" } (default none).") { IsMap = true },
    ];

    private static readonly SinkLimits Limits = new()
    {
        MaxBatchMessages = 1000,
        MaxMessageBytes = MaxMessageBytes,
        MaxBatchBytes = 8 * 1024 * 1024,
        BatchBy = [ExchangeKey],
    };

    /// <inheritdoc />
    public override string TypeName => "rabbitmq";

    /// <inheritdoc />
    public override string Description => "RabbitMQ exchanges: persistent messages with message_id = idempotency key, each delivered once the broker confirmed it (publisher confirms).";

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> RouteKeys => Keys;

    /// <inheritdoc />
    public override string DefaultRoutingFunction => """
        // Routing function for a rabbitmq sink: where each change is published.
        //   exchange (required): an existing exchange (amq.topic exists on every broker).
        //   routing_key: default sequin.<database>.<schema>.<table>.<action>.
        //   message_id: default the idempotency key.  headers: an object of strings, default none.
        function route(action, record, changes, metadata) {
          return {
            exchange: "amq.topic",
            routing_key: `sequin.${metadata.database_name}.${metadata.table_schema}.${metadata.table_name}.${action}`,
            headers: { "Idempotency-Key": metadata.idempotency_key }
          };
        }
        """;

    /// <summary>Batches of up to 1,000 messages (100 by default) and 8 MiB, one exchange per batch; messages up to 128 MiB.</summary>
    public override SinkLimits GetLimits(RabbitMqSinkOptions options) => Limits;

    /// <summary>
    /// The original's defaults: routing key <c>sequin.&lt;db&gt;.&lt;schema&gt;.&lt;table&gt;.&lt;action&gt;</c>,
    /// <c>message_id</c> = the idempotency key, no headers; no exchange (static routing or a function gives it).
    /// </summary>
    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        route[RoutingKeyKey] = "sequin." + message.Source.Name + "." + message.Relation.Schema + "." + message.Relation.Table + "." + message.Action.ToWireName();
        route[MessageIdKey] = message.IdempotencyKey;
        route[HeadersKey] = "{}";
    }

    /// <summary>Static routing: the <c>exchange</c> option and the <c>headers</c> option, as the original.</summary>
    public override void ApplyStaticRoute(RabbitMqSinkOptions options, Route route)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(route);
        base.ApplyStaticRoute(options, route);
        if (options.Headers is { Count: > 0 } headers)
        {
            route[HeadersKey] = JsonSerializer.Serialize(headers);
        }
    }

    /// <summary>Exchange, routing key, message id and header names are AMQP short strings: at most 255 bytes in UTF-8.</summary>
    public override string? ValidateRoute(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        foreach (var key in (ReadOnlySpan<string>)[ExchangeKey, RoutingKeyKey, MessageIdKey])
        {
            if (route[key] is { } value && Encoding.UTF8.GetByteCount(value) > ShortStringBytes)
            {
                return $"Route key '{key}' is {Encoding.UTF8.GetByteCount(value)} bytes in UTF-8: AMQP allows at most {ShortStringBytes}.";
            }
        }

        if (route[HeadersKey] is { Length: > 2 } headers)
        {
            using var document = JsonDocument.Parse(headers);
            foreach (var header in document.RootElement.EnumerateObject())
            {
                if (header.Name.Length == 0 || Encoding.UTF8.GetByteCount(header.Name) > ShortStringBytes)
                {
                    return $"Route key 'headers' has a header name of {Encoding.UTF8.GetByteCount(header.Name)} bytes: AMQP allows 1 to {ShortStringBytes}.";
                }
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override ISinkDelivery CreateDelivery(RabbitMqSinkOptions options, SinkContext context) => RabbitMqDelivery.Create(options, context);

    /// <summary>The virtual host must not be empty; header names must fit AMQP.</summary>
    protected override void Validate(RabbitMqSinkOptions options, RoutingMode mode, Action<string, string> report)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        if (string.IsNullOrEmpty(options.VirtualHost))
        {
            report("virtual_host", "Must not be empty: RabbitMQ's default virtual host is '/'.");
        }

        foreach (var name in options.Headers?.Keys ?? [])
        {
            if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > ShortStringBytes)
            {
                report("headers", $"Header name '{name}' must be 1 to {ShortStringBytes} bytes (an AMQP short string).");
            }
        }
    }
}
