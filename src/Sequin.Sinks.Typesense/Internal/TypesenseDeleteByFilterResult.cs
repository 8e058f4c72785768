using System.Text.Json.Serialization;

namespace Sequin.Sinks.Typesense.Internal;

/// <summary>The response of <c>DELETE /collections/{c}/documents?filter_by=...</c>.</summary>
internal sealed record TypesenseDeleteByFilterResult
{
    /// <summary>How many documents were deleted.</summary>
    [JsonPropertyName("num_deleted")]
    public long NumDeleted { get; init; }
}
