using System.Text.Json.Nodes;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>Reads what the stdout sink wrote to its file: one JSON message per line. A torn last line (a crash mid-write) is skipped.</summary>
public static class StdoutSinkOutput
{
    // Messages may carry json/jsonb values nested far deeper than System.Text.Json's default 64 levels.
    private static readonly System.Text.Json.JsonDocumentOptions DocumentOptions = new() { MaxDepth = 100_000 };

    public static IReadOnlyList<JsonObject> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var messages = new List<JsonObject>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                messages.Add(JsonNode.Parse(line, documentOptions: DocumentOptions)!.AsObject());
            }
            catch (System.Text.Json.JsonException) when (reader.Peek() < 0)
            {
                // Only the last line can be torn.
            }
        }

        return messages;
    }

    public static int Count(string path) => Read(path).Count;
}
