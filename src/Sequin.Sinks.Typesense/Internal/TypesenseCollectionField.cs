using System.Text.Json.Serialization;

namespace Sequin.Sinks.Typesense.Internal;

/// <summary>One field of a collection schema (<c>fields[]</c>).</summary>
/// <param name="Name">The field name, or a regular expression such as <c>.*</c>.</param>
/// <param name="Type">The Typesense type, e.g. <c>string</c>, <c>int64</c>, <c>auto</c>.</param>
internal sealed record TypesenseCollectionField(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type)
{
    /// <summary>Whether documents may omit the field.</summary>
    [JsonPropertyName("optional")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Optional { get; init; }
}
