using System.Text.Json.Serialization;

namespace Sequin.Sinks.Typesense.Internal;

/// <summary>Typesense's error body: <c>{"message": "..."}</c> (some responses use <c>error</c>).</summary>
internal sealed record TypesenseErrorBody
{
    /// <summary>The error text.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    /// <summary>The error text on responses that use <c>error</c>.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }
}
