using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Sequin.Messages;

namespace Sequin.Parking;

/// <summary>
/// Writes a <see cref="ChangeMessage"/> as compact JSON for the parked-messages table and reads it back whole: the
/// relation (oid, schema, table, columns with their types), both row images (unchanged TOAST kept apart from NULL),
/// the transaction, the position in it and the source. A read message is processed again (filter, routing, transform)
/// exactly like one read from the WAL.
/// </summary>
internal static class ParkedMessageCodec
{
    private const int Version = 1;

    /// <summary>Encodes a message.</summary>
    public static byte[] Encode(ChangeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var buffer = new ArrayBufferWriter<byte>(message.EstimatedSize + 256);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("v", Version);
            w.WriteString("action", ChangeActionNames.ToWireName(message.Action));
            var rel = message.Relation;
            w.WriteStartObject("relation");
            w.WriteNumber("oid", rel.Oid);
            w.WriteString("schema", rel.Schema);
            w.WriteString("table", rel.Table);
            w.WriteStartArray("columns");
            foreach (var c in rel.Columns)
            {
                w.WriteStartArray();
                w.WriteStringValue(c.Name);
                w.WriteNumberValue(c.TypeOid);
                w.WriteNumberValue(c.TypeModifier);
                w.WriteBooleanValue(c.IsKey);
                w.WriteNumberValue(c.ElementTypeOid);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WritePropertyName("record");
            WriteImage(w, message.Record);
            if (message.OldRecord is { } old)
            {
                w.WritePropertyName("old_record");
                WriteImage(w, old);
            }

            var txn = message.Transaction;
            w.WriteStartObject("transaction");
            w.WriteString("commit_lsn", txn.CommitLsn.ToString(CultureInfo.InvariantCulture));
            w.WriteString("end_lsn", txn.EndLsn.ToString(CultureInfo.InvariantCulture));
            w.WriteString("commit_timestamp", txn.CommitTimestamp);
            w.WriteNumber("xid", txn.Xid);
            w.WriteEndObject();
            w.WriteNumber("commit_idx", message.CommitIdx);
            var s = message.Source;
            w.WriteStartObject("source");
            w.WriteString("id", s.Id);
            w.WriteString("name", s.Name);
            w.WriteString("database", s.Database);
            w.WriteString("hostname", s.Hostname);
            w.WriteString("annotations", s.AnnotationsJson);
            w.WriteEndObject();
            if (message.TransactionAnnotationsJson is { } annotations)
            {
                w.WriteString("transaction_annotations", annotations);
            }

            if (message.Action == ChangeAction.Read)
            {
                w.WriteString("idempotency_key", message.IdempotencyKey); // a backfill's key, not derived from the position
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a message written by <see cref="Encode"/>.</summary>
    /// <exception cref="FormatException">The bytes are not a parked message of a known version.</exception>
    public static ChangeMessage Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.GetProperty("v").GetInt32() != Version)
            {
                throw new FormatException($"Unknown parked message version {root.GetProperty("v").GetInt32()}.");
            }

            if (!ChangeActionNames.TryParse(root.GetProperty("action").GetString(), out var action))
            {
                throw new FormatException("Unknown action in a parked message.");
            }

            var r = root.GetProperty("relation");
            var columns = new List<RelationColumn>();
            foreach (var c in r.GetProperty("columns").EnumerateArray())
            {
                columns.Add(new RelationColumn(c[0].GetString()!, c[1].GetUInt32(), c[2].GetInt32(), c[3].GetBoolean()) { ElementTypeOid = c[4].GetUInt32() });
            }

            var relation = new RelationInfo(r.GetProperty("oid").GetUInt32(), r.GetProperty("schema").GetString()!, r.GetProperty("table").GetString()!, columns);
            var record = ReadImage(relation, root.GetProperty("record"));
            var oldRecord = root.TryGetProperty("old_record", out var o) ? ReadImage(relation, o) : null;
            var t = root.GetProperty("transaction");
            var txn = new TransactionInfo(
                ulong.Parse(t.GetProperty("commit_lsn").GetString()!, CultureInfo.InvariantCulture),
                t.GetProperty("commit_timestamp").GetDateTimeOffset(),
                t.GetProperty("xid").GetUInt32());

            // A parked message is settled for acknowledgement: its transaction is complete from the start.
            txn.Commit(ulong.Parse(t.GetProperty("end_lsn").GetString()!, CultureInfo.InvariantCulture));
            var s = root.GetProperty("source");
            var source = new SourceDatabaseInfo(
                s.GetProperty("id").GetString()!,
                s.GetProperty("name").GetString()!,
                s.GetProperty("database").GetString()!,
                s.GetProperty("hostname").GetString()!,
                s.GetProperty("annotations").GetString()!);
            var annotations = root.TryGetProperty("transaction_annotations", out var a) ? a.GetString() : null;
            var commitIdx = root.GetProperty("commit_idx").GetInt32();
            if (root.TryGetProperty("idempotency_key", out var key) && key.GetString() is { Length: > 0 } idempotencyKey)
            {
                return new ChangeMessage(action, record, txn, commitIdx, source, idempotencyKey);
            }

            return new ChangeMessage(action, record, oldRecord, txn, commitIdx, source, annotations);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            throw new FormatException($"A parked message could not be read: {e.Message}", e);
        }
    }

    // Each value: null for NULL, a string for text, false for an unchanged TOAST value.
    private static void WriteImage(Utf8JsonWriter w, RowImage image)
    {
        w.WriteStartArray();
        foreach (var v in image.Values)
        {
            switch (v.Kind)
            {
                case ColumnValueKind.Text:
                    w.WriteStringValue(v.Text);
                    break;
                case ColumnValueKind.UnchangedToast:
                    w.WriteBooleanValue(false);
                    break;
                default:
                    w.WriteNullValue();
                    break;
            }
        }

        w.WriteEndArray();
    }

    private static RowImage ReadImage(RelationInfo relation, JsonElement array)
    {
        var values = new ColumnValue[array.GetArrayLength()];
        var i = 0;
        foreach (var v in array.EnumerateArray())
        {
            values[i++] = v.ValueKind switch
            {
                JsonValueKind.String => ColumnValue.FromText(v.GetString()!),
                JsonValueKind.False => ColumnValue.UnchangedToast,
                _ => ColumnValue.Null,
            };
        }

        return new RowImage(relation, values);
    }
}
