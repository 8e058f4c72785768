using System.Text.Json;
using StackExchange.Redis;

namespace Sequin.Sinks.Redis.Internal;

/// <summary>
/// The fields of one stream entry, as the original writes them: one field per top-level key of the message (by
/// default <c>record</c>, <c>changes</c>, <c>action</c>, <c>metadata</c>; a transform's own keys otherwise), in the
/// message's order; a string value as it is, any other value (objects, numbers, null) as its JSON text.
/// </summary>
internal static class RedisStreamEntry
{
    /// <summary>The entry's fields, or an error when the message is not a JSON object (a stream entry needs field names).</summary>
    /// <param name="payload">The message's JSON.</param>
    /// <param name="fields">The fields, in order.</param>
    /// <param name="error">Why there are none.</param>
    /// <returns>Whether <paramref name="fields"/> was made.</returns>
    public static bool TryGetFields(ReadOnlyMemory<byte> payload, out NameValueEntry[] fields, out string? error)
    {
        fields = [];
        error = null;
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"A Redis stream entry needs a JSON object (its keys become the entry's fields), but the message is {Describe(root.ValueKind)}: return an object from the transform.";
            return false;
        }

        var list = new List<NameValueEntry>();
        foreach (var property in root.EnumerateObject())
        {
            RedisValue value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            list.Add(new NameValueEntry(property.Name, value));
        }

        if (list.Count == 0)
        {
            error = "A Redis stream entry needs at least one field, but the message is an empty JSON object.";
            return false;
        }

        fields = [.. list];
        return true;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
