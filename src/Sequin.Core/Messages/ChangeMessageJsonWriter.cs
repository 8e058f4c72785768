using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sequin.Messages;

/// <summary>
/// Writes the default message JSON every sink receives: <c>{record, changes, action, metadata}</c>, with the
/// field names of docs/reference/messages.md.
/// </summary>
public static class ChangeMessageJsonWriter
{
    /// <summary>
    /// The writer options every message writer uses: only the escapes JSON requires (<c>\"</c>, <c>\\</c>, control
    /// characters); all other text, non-ASCII and emoji included, is written as itself in UTF-8, since the JSON goes to
    /// sinks, not into HTML. Nesting up to <see cref="MaxDepth"/>.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Encoder = MinimalJsonEncoder.Instance,
        MaxDepth = MaxDepth,
    };

    /// <summary>
    /// How deeply a message may nest: far beyond the 64 levels System.Text.Json allows by default, because a json or
    /// jsonb column may legally hold values nested thousands of levels deep, and such a row must be delivered intact.
    /// The readers and writers that handle messages are iterative, so depth costs memory, not stack.
    /// </summary>
    public const int MaxDepth = 100_000;

    /// <summary>Reader options for message JSON: <see cref="MaxDepth"/> levels.</summary>
    public static JsonReaderOptions ReaderOptions { get; } = new() { MaxDepth = MaxDepth };

    /// <summary>Document options for message JSON: <see cref="MaxDepth"/> levels.</summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new() { MaxDepth = MaxDepth };

    /// <summary>Serializes a message to UTF-8 JSON.</summary>
    public static byte[] ToUtf8Bytes(ChangeMessage message, ConsumerInfo consumer, TimestampFormat format)
    {
        ArgumentNullException.ThrowIfNull(message);
        var buffer = new ArrayBufferWriter<byte>(512 + message.EstimatedSize);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, message, consumer, format);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the whole message object.</summary>
    public static void Write(Utf8JsonWriter writer, ChangeMessage message, ConsumerInfo consumer, TimestampFormat format)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(consumer);
        Write(writer, message, consumer, format, out _);
    }

    /// <summary>
    /// Writes the whole message object and tells where its four values lie, as offsets from where the writer stood
    /// (<see cref="Utf8JsonWriter.BytesCommitted"/> + <see cref="Utf8JsonWriter.BytesPending"/>) when it began.
    /// </summary>
    /// <remarks>The message's <c>metadata.enrichment</c> is <paramref name="enrichmentJson"/> (a JSON object from its enrichment function), or null.</remarks>
    internal static void Write(Utf8JsonWriter writer, ChangeMessage message, ConsumerInfo consumer, TimestampFormat format, out MessageJsonLayout layout, string? enrichmentJson = null, MessageJsonCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(consumer);
        var origin = Position(writer);
        writer.WriteStartObject();
        writer.WritePropertyName(MessageJsonNames.Record);
        var recordStart = Position(writer) - origin;
        WriteRecord(writer, message, format);
        var recordEnd = Position(writer) - origin;
        writer.WritePropertyName(MessageJsonNames.Changes);
        var changesStart = Position(writer) - origin;
        WriteChanges(writer, message, format);
        var changesEnd = Position(writer) - origin;
        writer.WritePropertyName(MessageJsonNames.Action);
        var actionStart = Position(writer) - origin;
        writer.WriteStringValue(message.Action.ToWireName());
        var actionEnd = Position(writer) - origin;
        writer.WritePropertyName(MessageJsonNames.Metadata);
        var metadataStart = Position(writer) - origin;
        WriteMetadata(writer, message, consumer, enrichmentJson, cache);
        var metadataEnd = Position(writer) - origin;
        writer.WriteEndObject();
        layout = new MessageJsonLayout(recordStart, recordEnd, changesStart, changesEnd, actionStart, actionEnd, metadataStart, metadataEnd);
    }

    private static int Position(Utf8JsonWriter writer) => checked((int)(writer.BytesCommitted + writer.BytesPending));

    /// <summary>
    /// Writes <c>record</c>: the new row (insert, update, read) or the old row (delete); <c>{}</c> for truncate. An
    /// unchanged TOAST column takes its value from the old row when PostgreSQL sent one (REPLICA IDENTITY FULL),
    /// otherwise it is <c>"unchanged_toast"</c>.
    /// </summary>
    public static void WriteRecord(Utf8JsonWriter writer, ChangeMessage message, TimestampFormat format)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(message);
        writer.WriteStartObject();
        if (message.Action != ChangeAction.Truncate)
        {
            var record = message.Record;
            var old = message.OldRecord;
            var columns = record.Relation.Columns;
            var names = record.Relation.JsonNames;
            for (var i = 0; i < record.Count; i++)
            {
                var value = record[i];
                if (value.Kind == ColumnValueKind.UnchangedToast && old is not null && old.Count == record.Count
                    && old[i].Kind != ColumnValueKind.UnchangedToast)
                {
                    value = old[i];
                }

                writer.WritePropertyName(names.Column(i));
                PgValueJson.Write(writer, columns[i], value, format);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes <c>changes</c>: for an update, the old value of each column whose value changed (<c>{}</c> when
    /// PostgreSQL sent no old row); <c>null</c> for every other action.
    /// </summary>
    public static void WriteChanges(Utf8JsonWriter writer, ChangeMessage message, TimestampFormat format)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(message);
        if (message.Action != ChangeAction.Update)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        var old = message.OldRecord;
        if (old is not null && old.Count == message.Record.Count)
        {
            var record = message.Record;
            var columns = record.Relation.Columns;
            var names = record.Relation.JsonNames;
            for (var i = 0; i < record.Count; i++)
            {
                var before = old[i];
                var after = record[i];
                if (after.Kind == ColumnValueKind.UnchangedToast || before.Kind == ColumnValueKind.UnchangedToast || before == after)
                {
                    continue;
                }

                writer.WritePropertyName(names.Column(i));
                PgValueJson.Write(writer, columns[i], before, format);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes <c>metadata</c>. Its timestamps are always ISO 8601.</summary>
    public static void WriteMetadata(Utf8JsonWriter writer, ChangeMessage message, ConsumerInfo consumer) => WriteMetadata(writer, message, consumer, null);

    /// <summary>Writes <c>metadata</c> with <c>enrichment</c> set to <paramref name="enrichmentJson"/> (null writes null).</summary>
    internal static void WriteMetadata(Utf8JsonWriter writer, ChangeMessage message, ConsumerInfo consumer, string? enrichmentJson, MessageJsonCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(consumer);
        var relation = message.Relation;
        var source = message.Source;
        var names = relation.JsonNames;
        writer.WriteStartObject();
        writer.WriteString(MessageJsonNames.TableSchema, names.Schema);
        writer.WriteString(MessageJsonNames.TableName, names.Table);
        Span<byte> commitTimestamp = stackalloc byte[IsoTimestamp.MaxLength];
        writer.WriteString(MessageJsonNames.CommitTimestamp, commitTimestamp[..IsoTimestamp.Write(message.CommitTimestamp.UtcDateTime, commitTimestamp, zone: true)]);
        writer.WriteNumber(MessageJsonNames.CommitLsn, message.CommitLsn);
        writer.WriteNumber(MessageJsonNames.CommitIdx, message.CommitIdx);
        writer.WriteString(MessageJsonNames.IdempotencyKey, message.IdempotencyKey);
        writer.WriteStartArray(MessageJsonNames.RecordPks);
        if (message.Action != ChangeAction.Truncate)
        {
            var keys = relation.KeyColumnIndexes;
            for (var k = 0; k < keys.Count; k++) // not foreach: an interface enumerator per message
            {
                var v = message.Record[keys[k]];
                if (v.Text is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteStringValue(v.Text);
                }
            }
        }

        writer.WriteEndArray();
        var databaseJson = ReadOnlySpan<byte>.Empty;
        if (cache is not null && ReferenceEquals(cache.Consumer, consumer))
        {
            databaseJson = cache.DatabaseJson(source, out var databaseName);
            writer.WriteString(MessageJsonNames.DatabaseName, databaseName);
        }
        else
        {
            writer.WriteString(MessageJsonNames.DatabaseName, source.Name);
        }

        writer.WritePropertyName(MessageJsonNames.TransactionAnnotations);
        if (message.TransactionAnnotationsJson is { } annotations)
        {
            writer.WriteRawValue(annotations);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WritePropertyName(MessageJsonNames.Enrichment);
        if (enrichmentJson is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteRawValue(enrichmentJson);
        }

        if (!databaseJson.IsEmpty)
        {
            // Encoded once per consumer and source (MessageJsonCache), copied as they are.
            writer.WritePropertyName(MessageJsonNames.Consumer);
            writer.WriteRawValue(cache!.ConsumerJson, skipInputValidation: true);
            writer.WritePropertyName(MessageJsonNames.Database);
            writer.WriteRawValue(databaseJson, skipInputValidation: true);
            writer.WriteEndObject();
            return;
        }

        writer.WritePropertyName(MessageJsonNames.Consumer);
        WriteConsumer(writer, consumer);
        writer.WritePropertyName(MessageJsonNames.Database);
        WriteDatabase(writer, source);
        writer.WriteEndObject();
    }

    /// <summary>Writes the <c>metadata.consumer</c> object.</summary>
    internal static void WriteConsumer(Utf8JsonWriter writer, ConsumerInfo consumer)
    {
        writer.WriteStartObject();
        writer.WriteString("id", consumer.Id);
        writer.WriteString("name", consumer.Name);
        writer.WritePropertyName("annotations");
        writer.WriteRawValue(consumer.AnnotationsJson);
        writer.WriteEndObject();
    }

    /// <summary>Writes the <c>metadata.database</c> object.</summary>
    internal static void WriteDatabase(Utf8JsonWriter writer, SourceDatabaseInfo source)
    {
        writer.WriteStartObject();
        writer.WriteString("id", source.Id);
        writer.WriteString("name", source.Name);
        writer.WritePropertyName("annotations");
        writer.WriteRawValue(source.AnnotationsJson);
        writer.WriteString("database", source.Database);
        writer.WriteString("hostname", source.Hostname);
        writer.WriteEndObject();
    }

    /// <summary>The group id of a message by primary key: key values joined by <c>:</c>, or null when there are none.</summary>
    public static string? PrimaryKeyGroupId(ChangeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var keys = message.Relation.KeyColumnIndexes;
        if (message.Action == ChangeAction.Truncate || keys.Count == 0)
        {
            return null;
        }

        if (keys.Count == 1)
        {
            return message.Record[keys[0]].Text;
        }

        return JoinKeys(message.Record, keys);
    }

    // Its own method: a lambda capturing the parameter in PrimaryKeyGroupId would allocate a closure on every call.
    private static string JoinKeys(RowImage record, IReadOnlyList<int> keys) =>
        string.Join(':', keys.Select(k => record[k].Text ?? string.Empty));
}
