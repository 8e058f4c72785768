using System.Globalization;
using System.Text.Json;

namespace Sequin.Messages;

/// <summary>
/// Builds a <see cref="ChangeMessage"/> from a message in the delivered shape (<c>{record, changes, action, metadata}</c>),
/// for trying functions on a sample message (<c>sequin functions test</c>). Column types are inferred from the JSON
/// values (number → numeric, true/false → bool, object or array → jsonb, otherwise text); key columns are those whose
/// values match <c>metadata.record_pks</c>, else <c>id</c>.
/// </summary>
public static class ChangeMessageJsonReader
{
    /// <summary>Reads a message.</summary>
    /// <exception cref="FormatException">The JSON is not a message: the text says which key is missing or wrong.</exception>
    public static ChangeMessage Read(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), ChangeMessageJsonWriter.DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The message is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The message must be a JSON object with record, changes, action and metadata.");
            }

            var actionName = root.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            if (!ChangeActionNames.TryParse(actionName, out var action))
            {
                throw new FormatException("action: must be one of insert, update, delete, read, truncate.");
            }

            var metadata = root.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            var record = root.TryGetProperty("record", out var r) ? r : default;
            if (record.ValueKind != JsonValueKind.Object && action != ChangeAction.Truncate)
            {
                throw new FormatException("record: must be an object (the row's columns).");
            }

            var pks = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("record_pks", out var p) && p.ValueKind == JsonValueKind.Array
                ? p.EnumerateArray().Select(Text).ToList()
                : [];
            var columns = new List<RelationColumn>();
            var values = new List<ColumnValue>();
            if (record.ValueKind == JsonValueKind.Object)
            {
                foreach (var column in record.EnumerateObject())
                {
                    columns.Add(new RelationColumn(column.Name, TypeOf(column.Value), -1, IsKey: false));
                    values.Add(ValueOf(column.Value));
                }
            }

            MarkKeys(columns, values, pks);
            var relation = new RelationInfo(
                0,
                String(metadata, "table_schema") ?? "public",
                String(metadata, "table_name") ?? "example",
                [.. columns]);
            var row = new RowImage(relation, [.. values]);
            RowImage? old = null;
            if (root.TryGetProperty("changes", out var changes) && changes.ValueKind == JsonValueKind.Object && action == ChangeAction.Update)
            {
                var oldValues = values.ToArray();
                foreach (var change in changes.EnumerateObject())
                {
                    var index = columns.FindIndex(c => c.Name == change.Name);
                    if (index >= 0)
                    {
                        oldValues[index] = ValueOf(change.Value);
                    }
                }

                old = new RowImage(relation, oldValues);
            }

            var lsn = Number(metadata, "commit_lsn");
            var at = String(metadata, "commit_timestamp") is { } ts && DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : DateTimeOffset.UnixEpoch;
            var transaction = new TransactionInfo(lsn, at, 0);
            var database = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("database", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            var source = new SourceDatabaseInfo(
                String(database, "id") ?? "db",
                String(database, "name") ?? "db",
                String(database, "database") ?? "db",
                String(database, "hostname") ?? "localhost",
                database.ValueKind == JsonValueKind.Object && database.TryGetProperty("annotations", out var an) && an.ValueKind == JsonValueKind.Object ? an.GetRawText() : "{}");
            var annotations = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("transaction_annotations", out var ta) && ta.ValueKind == JsonValueKind.Object
                ? ta.GetRawText()
                : null;
            return new ChangeMessage(action, row, old, transaction, (int)Number(metadata, "commit_idx"), source, annotations);
        }
    }

    private static void MarkKeys(List<RelationColumn> columns, List<ColumnValue> values, List<string?> pks)
    {
        var start = 0;
        var marked = 0;
        foreach (var pk in pks)
        {
            for (var i = start; i < columns.Count; i++)
            {
                if (values[i].Text == pk)
                {
                    columns[i] = columns[i] with { IsKey = true };
                    start = i + 1;
                    marked++;
                    break;
                }
            }
        }

        if (marked == 0 && columns.FindIndex(c => c.Name == "id") is var id and >= 0)
        {
            columns[id] = columns[id] with { IsKey = true };
        }
    }

    private static uint TypeOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => PgTypeOids.Numeric,
        JsonValueKind.True or JsonValueKind.False => PgTypeOids.Bool,
        JsonValueKind.Object or JsonValueKind.Array => PgTypeOids.Jsonb,
        _ => PgTypeOids.Text,
    };

    private static ColumnValue ValueOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => ColumnValue.Null,
        JsonValueKind.True => ColumnValue.FromText("t"),
        JsonValueKind.False => ColumnValue.FromText("f"),
        JsonValueKind.String => ColumnValue.FromText(value.GetString()!),
        _ => ColumnValue.FromText(value.GetRawText()),
    };

    private static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();

    private static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static ulong Number(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetUInt64(out var n) ? n : 0;
}
