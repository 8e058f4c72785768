using System.Text.Json;
using NATS.Client.Core;

namespace Sequin.Sinks.Nats.Internal;

/// <summary>
/// The headers of one published message: the route's <c>headers</c> (a JSON object of strings or numbers, from a
/// routing function), then <c>Nats-Msg-Id</c> = the message's idempotency key unless the route gave one, so that
/// JetStream deduplicates a message sent again after a retry.
/// </summary>
internal static class NatsMessageHeaders
{
    /// <summary>The header JetStream deduplicates by.</summary>
    public const string MessageIdHeader = "Nats-Msg-Id";

    /// <summary>The headers of <paramref name="message"/>.</summary>
    public static NatsHeaders For(RoutedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = new NatsHeaders();
        if (message.Route[NatsSink.HeadersKey] is { Length: > 2 } json)
        {
            using var document = JsonDocument.Parse(json);
            foreach (var header in document.RootElement.EnumerateObject())
            {
                headers[header.Name] = header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString() : header.Value.GetRawText();
            }
        }

        if (!headers.ContainsKey(MessageIdHeader))
        {
            headers[MessageIdHeader] = message.Message.IdempotencyKey;
        }

        return headers;
    }
}
