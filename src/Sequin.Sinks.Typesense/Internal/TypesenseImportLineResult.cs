using System.Text.Json.Serialization;

namespace Sequin.Sinks.Typesense.Internal;

/// <summary>One line of an import response: <c>{"success": true}</c> or <c>{"success": false, "error": "...", "code": 400}</c>.</summary>
/// <param name="Success">Whether the document was written.</param>
/// <param name="Error">Typesense's reason when it was not.</param>
/// <param name="Code">The HTTP-like status code of the failure (newer servers).</param>
internal sealed record TypesenseImportLineResult(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("code")] int? Code);
