using System.Buffers;
using System.Text.Json;
using Sequin.Messages;

namespace Sequin.Sinks.Typesense.Internal;

/// <summary>
/// Turns a routed change into a Typesense document. The document is the transform's output when there is one,
/// otherwise the change's <c>record</c>. Its id is the document's own <c>id</c> (a string, or a number written as
/// its text) or else the primary key values joined by <c>:</c>, and it is always sent as a string: Typesense rejects
/// numeric ids, which tripped up users of the original.
/// </summary>
internal static class TypesenseDocumentBuilder
{
    private static readonly JsonWriterOptions WriterOptions = ChangeMessageJsonWriter.WriterOptions;

    /// <summary>Builds the document of one message.</summary>
    /// <param name="message">The routed change.</param>
    /// <param name="withBody">False to compute only the id (deletes).</param>
    /// <param name="document">The document, when it could be built.</param>
    /// <param name="error">Why it could not, otherwise.</param>
    public static bool TryBuild(RoutedMessage message, bool withBody, out TypesenseDocument? document, out string? error)
    {
        ArgumentNullException.ThrowIfNull(message);
        document = null;
        var source = GetSource(message);
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(source, ChangeMessageJsonWriter.DocumentOptions);
        }
        catch (JsonException ex)
        {
            error = $"The payload is not valid JSON: {ex.Message}";
            return false;
        }

        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = $"A Typesense document must be a JSON object, but the {(message.IsTransformed ? "transform returned" : "record is")} {Describe(root.ValueKind)}.";
                return false;
            }

            if (!TryGetId(message, root, out var id, out error))
            {
                return false;
            }

            if (!withBody)
            {
                document = new TypesenseDocument(id!, ReadOnlyMemory<byte>.Empty);
                return true;
            }

            var unchangedToast = message.IsTransformed ? null : UnchangedToastColumns(message.Message);
            var buffer = new ArrayBufferWriter<byte>(source.Length + id!.Length + 16);
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("id", id);
                foreach (var property in root.EnumerateObject())
                {
                    if (!property.NameEquals("id") && (unchangedToast is null || !unchangedToast.Contains(property.Name)))
                    {
                        property.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }

            document = new TypesenseDocument(id, buffer.WrittenMemory);
            return true;
        }
    }

    /// <summary>The JSON the document comes from: the transform's output, or the <c>record</c> object of the default payload.</summary>
    internal static ReadOnlyMemory<byte> GetSource(RoutedMessage message)
    {
        if (message.IsTransformed)
        {
            return message.Payload;
        }

        if (TryFindRecord(message.Payload.Span, out var start, out var length))
        {
            return message.Payload.Slice(start, length);
        }

        // No default payload to take it from (e.g. a hand-built message): write the record ourselves.
        var buffer = new ArrayBufferWriter<byte>(256 + message.Message.EstimatedSize);
        using (var writer = new Utf8JsonWriter(buffer, ChangeMessageJsonWriter.WriterOptions))
        {
            ChangeMessageJsonWriter.WriteRecord(writer, message.Message, TimestampFormat.Iso8601);
        }

        return buffer.WrittenMemory;
    }

    /// <summary>
    /// Columns whose value PostgreSQL did not send (unchanged TOAST, no old row to take it from). The record carries
    /// the placeholder <c>"unchanged_toast"</c> for them; leaving them out of the document lets <c>emplace</c> keep
    /// the indexed value instead of overwriting it with the placeholder. Null when there are none (the usual case).
    /// </summary>
    internal static HashSet<string>? UnchangedToastColumns(ChangeMessage message)
    {
        if (message.Action != ChangeAction.Update)
        {
            return null;
        }

        HashSet<string>? names = null;
        var record = message.Record;
        var old = message.OldRecord;
        for (var i = 0; i < record.Count; i++)
        {
            if (record[i].Kind == ColumnValueKind.UnchangedToast
                && !(old is not null && old.Count == record.Count && old[i].Kind != ColumnValueKind.UnchangedToast))
            {
                (names ??= new HashSet<string>(StringComparer.Ordinal)).Add(record.Relation.Columns[i].Name);
            }
        }

        return names;
    }

    private static bool TryFindRecord(ReadOnlySpan<byte> payload, out int start, out int length)
    {
        start = 0;
        length = 0;
        if (payload.IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(payload, ChangeMessageJsonWriter.ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isRecord = reader.ValueTextEquals("record"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isRecord)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return false;
                    }

                    start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    length = (int)reader.BytesConsumed - start;
                    return true;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not the default shape: fall back to writing the record.
        }

        return false;
    }

    private static bool TryGetId(RoutedMessage message, JsonElement root, out string? id, out string? error)
    {
        error = null;
        id = null;
        if (root.TryGetProperty("id", out var idElement))
        {
            switch (idElement.ValueKind)
            {
                case JsonValueKind.String:
                    id = idElement.GetString();
                    break;
                case JsonValueKind.Number:
                    id = idElement.GetRawText(); // stringified: Typesense only takes string ids.
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    error = $"The document's `id` must be a string or a number, got {Describe(idElement.ValueKind)}.";
                    return false;
            }
        }

        if (id is null)
        {
            var pks = message.Message.GetRecordPks();
            if (pks.Count == 0)
            {
                error = $"Missing document ID: the document has no `id` field and table {message.Message.Relation.QualifiedName} has no primary key. Return an `id` from a transform function.";
                return false;
            }

            id = pks.Count == 1 ? pks[0] : string.Join(':', pks);
        }

        if (id.Length == 0)
        {
            error = "The document's `id` is empty.";
            return false;
        }

        return true;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };
}
