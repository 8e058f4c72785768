using System.Globalization;
using System.Text.Json;

namespace Sequin.Sinks.Redis.Internal;

/// <summary>
/// One message as a Redis string command: <c>DEL key</c>, or <c>SET key value [PX expire_ms]</c>. The value is the
/// message's JSON, except that a transform returning a string stores the string itself (no quotes) and one returning a
/// number stores its digits, as in the original.
/// </summary>
/// <param name="Key">The Redis key (route key <c>key</c>).</param>
/// <param name="IsDelete">Whether the command is <c>DEL</c>.</param>
/// <param name="Value">For <c>SET</c>, the bytes stored.</param>
/// <param name="Expiry">For <c>SET</c>, the time to live, or null for none.</param>
internal readonly record struct RedisStringCommand(string Key, bool IsDelete, ReadOnlyMemory<byte> Value, TimeSpan? Expiry)
{
    /// <summary>The command of a routed message; <paramref name="defaultExpireMs"/> applies when the route sets no <c>expire_ms</c>.</summary>
    public static RedisStringCommand For(RoutedMessage message, long? defaultExpireMs)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = message.Route.GetRequired(RedisStringSink.KeyKey);
        if (message.Route[RedisStringSink.ActionKey] == RedisStringSink.DelAction)
        {
            return new RedisStringCommand(key, IsDelete: true, ReadOnlyMemory<byte>.Empty, null);
        }

        var expireMs = message.Route[RedisStringSink.ExpireMsKey] is { } routed
            ? long.Parse(routed, NumberStyles.None, CultureInfo.InvariantCulture)
            : defaultExpireMs;
        return new RedisStringCommand(key, IsDelete: false, StoredValue(message.Payload), expireMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
    }

    /// <summary>The stored bytes of a payload: a JSON string unquoted, a JSON number as written, anything else as JSON.</summary>
    internal static ReadOnlyMemory<byte> StoredValue(ReadOnlyMemory<byte> payload)
    {
        var span = payload.Span.TrimStart(" \t\r\n"u8);
        if (span.IsEmpty)
        {
            return payload;
        }

        if (span[0] == (byte)'"')
        {
            var reader = new Utf8JsonReader(payload.Span);
            if (reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                return System.Text.Encoding.UTF8.GetBytes(reader.GetString()!);
            }
        }

        if (span[0] is (byte)'-' or (>= (byte)'0' and <= (byte)'9'))
        {
            return payload.Slice(payload.Length - span.Length).TrimEnd();
        }

        return payload;
    }
}
