namespace Sequin.Sinks.Redis.Internal;

/// <summary>Trimming of UTF-8 payloads.</summary>
internal static class PayloadTrim
{
    /// <summary>The payload without trailing JSON whitespace.</summary>
    public static ReadOnlyMemory<byte> TrimEnd(this ReadOnlyMemory<byte> payload)
    {
        var length = payload.Span.TrimEnd(" \t\r\n"u8).Length;
        return payload[..length];
    }
}
