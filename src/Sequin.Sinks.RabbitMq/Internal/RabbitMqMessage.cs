using System.Text.Json;
using RabbitMQ.Client;

namespace Sequin.Sinks.RabbitMq.Internal;

/// <summary>
/// What is published for a routed message: its exchange and routing key, and its AMQP properties: <c>message_id</c>
/// (default the idempotency key), <c>content_type: application/json</c>, persistent delivery mode, the route's headers.
/// </summary>
internal static class RabbitMqMessage
{
    /// <summary>The <c>content_type</c> of every message: the payload is JSON (the message, or a transform's output).</summary>
    public const string ContentType = "application/json";

    /// <summary>The exchange of a routed message.</summary>
    public static string Exchange(RoutedMessage message) => message.Route.GetRequired(RabbitMqSink.ExchangeKey);

    /// <summary>The routing key of a routed message (empty when a routing function cleared it).</summary>
    public static string RoutingKey(RoutedMessage message) => message.Route[RabbitMqSink.RoutingKeyKey] ?? string.Empty;

    /// <summary>The AMQP properties of a routed message.</summary>
    public static BasicProperties Properties(RoutedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var properties = new BasicProperties
        {
            ContentType = ContentType,
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = message.Route[RabbitMqSink.MessageIdKey],
        };
        if (Headers(message.Route[RabbitMqSink.HeadersKey]) is { } headers)
        {
            properties.Headers = headers;
        }

        return properties;
    }

    // The route's headers (a JSON object of strings or numbers) as an AMQP table of strings; null for none.
    private static Dictionary<string, object?>? Headers(string? json)
    {
        if (json is not { Length: > 2 })
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var headers = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var header in document.RootElement.EnumerateObject())
        {
            headers[header.Name] = header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString() : header.Value.GetRawText();
        }

        return headers.Count == 0 ? null : headers;
    }
}
