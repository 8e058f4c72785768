using System.Text.Json.Serialization;

namespace Sequin.Sinks.Typesense.Internal;

/// <summary>One line of an import response: <c>{"success": true}</c> or <c>{"success": false, "error": "...", "document": "..."}</c>.</summary>
internal sealed record TypesenseImportLineResult
{
    /// <summary>Whether the document was written.</summary>
    [JsonPropertyName("success")]
    public bool Success { get; init; }

    /// <summary>Typesense's reason when it was not.</summary>
    [JsonPropertyName("error")]
    public string? Error { get; init; }

    /// <summary>The HTTP-like status code of the failure (newer servers).</summary>
    [JsonPropertyName("code")]
    public int? Code { get; init; }
}
