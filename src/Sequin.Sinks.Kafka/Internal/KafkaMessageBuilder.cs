using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using Sequin.Messages;

namespace Sequin.Sinks.Kafka.Internal;

/// <summary>
/// Turns a routed change into the Kafka record: key = route <c>message_key</c>, else the group id, else none (spread
/// over partitions); value = the payload JSON; headers <c>idempotency_key</c>, <c>action</c> and <c>table</c>.
/// Pure: no I/O, tested alone.
/// </summary>
internal static class KafkaMessageBuilder
{
    /// <summary>Header carrying <c>metadata.idempotency_key</c>.</summary>
    public const string IdempotencyKeyHeader = "idempotency_key";

    /// <summary>Header carrying the action (<c>insert</c>, <c>update</c>, <c>delete</c>, <c>read</c>, <c>truncate</c>).</summary>
    public const string ActionHeader = "action";

    /// <summary>Header carrying <c>schema.table</c>.</summary>
    public const string TableHeader = "table";

    /// <summary>The key text of a message, or null when it has none.</summary>
    public static string? KeyOf(RoutedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = message.Route[KafkaSink.MessageKeyKey] ?? message.GroupId;
        return string.IsNullOrEmpty(key) ? null : key;
    }

    /// <summary>Builds the record of a message.</summary>
    public static Message<byte[]?, byte[]?> Build(RoutedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = KeyOf(message);
        return new Message<byte[]?, byte[]?>
        {
            Key = key is null ? null : Encoding.UTF8.GetBytes(key),
            Value = AsArray(message.Payload),
            Headers = BuildHeaders(message.Message),
        };
    }

    /// <summary>Builds the tombstone that follows a delete: the same key and headers, a null value.</summary>
    public static Message<byte[]?, byte[]?> Tombstone(Message<byte[]?, byte[]?> deleteRecord)
    {
        ArgumentNullException.ThrowIfNull(deleteRecord);
        return new Message<byte[]?, byte[]?> { Key = deleteRecord.Key, Value = null, Headers = deleteRecord.Headers };
    }

    /// <summary>The record's size as the max_message_bytes rule counts it: key + value + header names and values.</summary>
    public static int SizeOf(Message<byte[]?, byte[]?> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var size = (record.Key?.Length ?? 0) + (record.Value?.Length ?? 0);
        if (record.Headers is { } headers)
        {
            foreach (var header in headers)
            {
                size += Encoding.UTF8.GetByteCount(header.Key) + (header.GetValueBytes()?.Length ?? 0);
            }
        }

        return size;
    }

    private static Headers BuildHeaders(ChangeMessage change) =>
    [
        new Header(IdempotencyKeyHeader, Encoding.UTF8.GetBytes(change.IdempotencyKey)),
        new Header(ActionHeader, Encoding.UTF8.GetBytes(change.Action.ToWireName())),
        new Header(TableHeader, Encoding.UTF8.GetBytes(change.Relation.QualifiedName)),
    ];

    private static byte[] AsArray(ReadOnlyMemory<byte> payload) =>
        MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();
}
