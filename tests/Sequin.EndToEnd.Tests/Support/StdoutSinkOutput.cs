using System.Text.Json.Nodes;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// Reads what the stdout sink wrote to its file: one JSON message per line. Only lines ended by a newline count: the
/// file is read once, as it is at that moment, and a last line without its newline is still being written (or was torn
/// by a crash mid-write), so it is left for the next read rather than parsed.
/// </summary>
public static class StdoutSinkOutput
{
    // Messages may carry json/jsonb values nested far deeper than System.Text.Json's default 64 levels.
    private static readonly System.Text.Json.JsonDocumentOptions DocumentOptions = new() { MaxDepth = 100_000 };

    /// <summary>The complete lines of <paramref name="path"/> as JSON objects; none when the file does not exist.</summary>
    public static IReadOnlyList<JsonObject> Read(string path)
    {
        byte[] content;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            content = copy.ToArray();
        }
        catch (FileNotFoundException)
        {
            return [];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }

        var messages = new List<JsonObject>();
        var remaining = content.AsMemory();
        while (remaining.Span.IndexOf((byte)'\n') is var end and >= 0)
        {
            var line = remaining[..end];
            remaining = remaining[(end + 1)..];
            if (line.Length > 0)
            {
                messages.Add(JsonNode.Parse(line.Span, documentOptions: DocumentOptions)!.AsObject());
            }
        }

        return messages;
    }

    /// <summary>How many complete messages <paramref name="path"/> holds.</summary>
    public static int Count(string path) => Read(path).Count;
}
