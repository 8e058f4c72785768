using System.Text.Json.Serialization;

namespace Sequin.Sinks.Typesense.Internal;

/// <summary>A collection as <c>GET /collections/{name}</c> returns it, or the body of <c>POST /collections</c>.</summary>
/// <param name="Name">The collection name.</param>
/// <param name="Fields">The schema's fields.</param>
internal sealed record TypesenseCollection(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("fields")] IReadOnlyList<TypesenseCollectionField>? Fields)
{
    /// <summary>The number of documents (responses only).</summary>
    [JsonPropertyName("num_documents")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? NumDocuments { get; init; }

    /// <summary>The schema Sequin creates a missing collection with: every field typed automatically.</summary>
    public static TypesenseCollection AutoSchema(string name) => new(name, [new TypesenseCollectionField(".*", "auto")]);
}
