namespace Sequin.Hosting.AspNetCore.SinkForms;

/// <summary>
/// A map-valued destination key (<see cref="Sequin.Sinks.SinkFieldType.Map"/>, e.g. a webhook's <c>headers</c>) as the
/// new-sink form and <c>POST /api/sink-types/{type}/validate</c> take it: one <c>Name: value</c> per line, blank lines
/// ignored, the name and value trimmed.
/// </summary>
internal static class SinkProposalMap
{
    /// <summary>The entries of <paramref name="text"/> in order, or an error naming the line and the reason.</summary>
    public static (IReadOnlyList<KeyValuePair<string, string>> Entries, string? Error) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<KeyValuePair<string, string>>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? string.Empty : line[..colon].Trim();
            if (name.Length == 0)
            {
                // The line is not echoed: it may hold a secret value.
                return ([], $"Line {i + 1}: expected 'Name: value' (one entry per line, the name before the first ':').");
            }

            if (!names.Add(name))
            {
                return ([], $"Line {i + 1}: '{name}' is given twice.");
            }

            entries.Add(new(name, line[(colon + 1)..].Trim()));
        }

        return (entries, null);
    }
}
