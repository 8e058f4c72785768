using System.Buffers;
using System.IO.Compression;

namespace Sequin.Sinks.Webhook;

/// <summary>Request bodies: <c>{"data":[message, ...]}</c> for a batch, and gzip.</summary>
internal static class WebhookBody
{
    /// <summary>The original's batch body: the messages' payloads (each UTF-8 JSON) in a <c>data</c> array.</summary>
    public static ReadOnlyMemory<byte> Batch(IReadOnlyList<Sequin.Sinks.RoutedMessage> messages)
    {
        var length = 11;
        foreach (var m in messages)
        {
            length += m.Payload.Length + 1;
        }

        var body = new ArrayBufferWriter<byte>(length);
        body.Write("{\"data\":["u8);
        for (var i = 0; i < messages.Count; i++)
        {
            if (i > 0)
            {
                body.Write(","u8);
            }

            body.Write(messages[i].Payload.Span);
        }

        body.Write("]}"u8);
        return body.WrittenMemory;
    }

    public static ReadOnlyMemory<byte> Gzip(ReadOnlyMemory<byte> body)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body.Span);
        }

        return output.ToArray();
    }
}
