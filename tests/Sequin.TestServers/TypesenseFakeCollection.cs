using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sequin.TestServers;

/// <summary>One collection of <see cref="TypesenseFakeServer"/>: its schema, documents and Typesense's write rules.</summary>
internal sealed class TypesenseFakeCollection
{
    private long _nextAutoId;

    public TypesenseFakeCollection(string name, IReadOnlyList<(string Name, string Type, bool Optional)> fields, long createdAt)
    {
        Name = name;
        Fields = fields;
        CreatedAt = createdAt;
    }

    public string Name { get; }

    public IReadOnlyList<(string Name, string Type, bool Optional)> Fields { get; }

    public long CreatedAt { get; }

    public Dictionary<string, JsonObject> Documents { get; } = new(StringComparer.Ordinal);

    /// <summary>The document stored by the last successful <see cref="Write"/>.</summary>
    public JsonObject? LastWritten { get; private set; }

    public JsonObject Describe() => new()
    {
        ["created_at"] = CreatedAt,
        ["default_sorting_field"] = string.Empty,
        ["fields"] = new JsonArray(Fields.Select(f => (JsonNode)new JsonObject
        {
            ["name"] = f.Name,
            ["type"] = f.Type,
            ["optional"] = f.Optional,
            ["facet"] = false,
            ["index"] = true,
        }).ToArray()),
        ["name"] = Name,
        ["num_documents"] = Documents.Count,
    };

    /// <summary>Writes one JSON document line with an import action; returns (code, error) where error is null on success.</summary>
    public (int Code, string? Error) Write(string json, string action)
    {
        JsonObject? document;
        try
        {
            document = JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            document = null;
        }

        if (document is null)
        {
            return (400, "Bad JSON.");
        }

        string? id = null;
        if (document["id"] is { } idNode)
        {
            if (idNode is not JsonValue idValue || idValue.GetValueKind() != JsonValueKind.String)
            {
                return (400, "Document's `id` field should be a string.");
            }

            id = idValue.GetValue<string>();
        }

        var exists = id is not null && Documents.ContainsKey(id);
        JsonObject stored;
        switch (action)
        {
            case "create":
                if (exists)
                {
                    return (409, $"A document with id {id} already exists.");
                }

                stored = document;
                break;
            case "upsert":
                stored = document;
                break;
            case "update" when !exists:
                return (404, id is null ? "For update, the `id` key must be provided." : $"Could not find a document with id: {id}");
            case "update":
            case "emplace":
                stored = exists ? Merge(Documents[id!], document) : document;
                break;
            default:
                return (400, "The `action` parameter must be one of: create, upsert, update, emplace.");
        }

        if (Validate(stored) is { } error)
        {
            return (400, error);
        }

        if (id is null)
        {
            do
            {
                id = (_nextAutoId++).ToString(CultureInfo.InvariantCulture);
            }
            while (Documents.ContainsKey(id));

            stored["id"] = id;
        }

        Documents[id] = stored;
        LastWritten = stored;
        return (200, null);
    }

    private static JsonObject Merge(JsonObject existing, JsonObject update)
    {
        var merged = (JsonObject)existing.DeepClone();
        foreach (var (key, value) in update)
        {
            merged[key] = value?.DeepClone();
        }

        return merged;
    }

    private string? Validate(JsonObject document)
    {
        foreach (var (name, type, optional) in Fields)
        {
            if (type == "auto" || name.Contains('*', StringComparison.Ordinal))
            {
                continue;
            }

            var value = document[name];
            if (value is null)
            {
                if (!optional)
                {
                    return $"Field `{name}` has been declared in the schema, but is not found in the document.";
                }

                continue;
            }

            var kind = value.GetValueKind();
            var ok = type switch
            {
                "string" => kind == JsonValueKind.String,
                "int32" or "int64" => kind == JsonValueKind.Number && value.AsValue().TryGetValue<long>(out _),
                "float" => kind == JsonValueKind.Number,
                "bool" => kind is JsonValueKind.True or JsonValueKind.False,
                _ when type.EndsWith("[]", StringComparison.Ordinal) => kind == JsonValueKind.Array,
                _ => true,
            };
            if (!ok)
            {
                return type switch
                {
                    "string" => $"Field `{name}` must be a string.",
                    "int32" => $"Field `{name}` must be an int32.",
                    "int64" => $"Field `{name}` must be an int64.",
                    "float" => $"Field `{name}` must be a float.",
                    "bool" => $"Field `{name}` must be a bool.",
                    _ => $"Field `{name}` must be an array.",
                };
            }
        }

        return null;
    }
}
