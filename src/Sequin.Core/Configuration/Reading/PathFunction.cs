using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sequin.Configuration;

/// <summary>
/// A path function (<c>type: path</c>, <c>path: record.address.city</c>), as in the original: the value at a dot path
/// into the message becomes the payload. Its first segment is <c>record</c>, <c>changes</c>, <c>action</c> or
/// <c>metadata</c>; a missing key, or a step into a list or a non-object, gives <c>null</c>. It runs as a JavaScript
/// transform generated from the path.
/// </summary>
internal static partial class PathFunction
{
    private static readonly string[] Roots = ["record", "changes", "action", "metadata"];

    /// <summary>The transform's JavaScript for <paramref name="path"/>, or null (reported under <c>path</c>) when it is missing or malformed.</summary>
    public static string? ToJavaScript(ConfigMap map, string? path)
    {
        if (path is null)
        {
            map.Error("path", "Required for a path function: a dot path such as record or record.address.city.");
            return null;
        }

        var segments = path.Split('.');
        if (!Roots.Contains(segments[0], StringComparer.Ordinal) || segments.Any(s => !SegmentPattern().IsMatch(s)))
        {
            map.Error("path", $"Must be a dot path starting with one of {string.Join(", ", Roots)}, e.g. record.address.city (got '{path}').");
            return null;
        }

        var steps = JsonSerializer.Serialize(segments.Skip(1).ToArray());
        return $$"""
            function transform(action, record, changes, metadata) {
              let value = { action, record, changes, metadata }[{{JsonSerializer.Serialize(segments[0])}}];
              for (const key of {{steps}}) {
                if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, key)) {
                  return null;
                }
                value = value[key];
              }
              return value === undefined ? null : value;
            }
            """;
    }

    [GeneratedRegex("^[^.\\s]{1,256}$")]
    private static partial Regex SegmentPattern();
}
