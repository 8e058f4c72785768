namespace Sequin.Hosting.AspNetCore.SinkForms;

/// <summary>
/// Adds the items of a block written by <see cref="SinkProposalYaml"/> (a <c>functions:</c> and a <c>sinks:</c> list) to
/// the text of a <c>sequin.yaml</c>, as text: every line of the file, comments included, stays as it was; the new items
/// go after the last item of the file's list (re-indented like its items), or in a new list at the end of the file.
/// A file whose list is written inline (<c>sinks: [...]</c>) is not edited.
/// </summary>
internal static class ConfigFileEditor
{
    /// <summary>The file with the block's items added, or null and why it was not edited.</summary>
    public static (string? Text, string? Problem) AddItems(string file, string block)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(block);
        var newline = file.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = file.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        foreach (var (section, items) in Sections(block))
        {
            var header = lines.FindIndex(l => IsHeader(l, section));
            if (header < 0)
            {
                if (lines.Any(l => l.StartsWith(section + ":", StringComparison.Ordinal)))
                {
                    return (null, $"The file writes '{section}:' inline; it is not edited (add the block by hand).");
                }

                lines.Add(section + ":");
                lines.AddRange(items);
                continue;
            }

            // The section runs to the next top-level key; the items go after its last line that is not blank or a comment.
            var end = header + 1;
            while (end < lines.Count && !IsTopLevelKey(lines[end]))
            {
                end++;
            }

            var last = end - 1;
            while (last > header && (lines[last].Trim().Length == 0 || lines[last].TrimStart().StartsWith('#')))
            {
                last--;
            }

            var indent = lines.Skip(header + 1).Take(end - header - 1).Select(l => l.Length - l.TrimStart(' ').Length + (l.TrimStart(' ').StartsWith("- ", StringComparison.Ordinal) ? 0 : -1000)).FirstOrDefault(i => i >= 0, 2);
            lines.InsertRange(last + 1, items.Select(l => Reindent(l, indent)));
        }

        return (string.Join(newline, lines) + newline, null);
    }

    // The block's lists: "functions:" / "sinks:" followed by items indented two spaces; its comments are left out.
    private static List<(string Section, List<string> Items)> Sections(string block)
    {
        var sections = new List<(string, List<string>)>();
        foreach (var line in block.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            if (line.Length > 0 && line[0] != ' ' && line.EndsWith(':'))
            {
                sections.Add((line[..^1], []));
            }
            else if (sections.Count > 0 && line.Length > 0)
            {
                sections[^1].Item2.Add(line);
            }
        }

        return sections;
    }

    private static bool IsHeader(string line, string section)
    {
        if (!line.StartsWith(section + ":", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = line[(section.Length + 1)..].Trim();
        return rest.Length == 0 || rest.StartsWith('#');
    }

    private static bool IsTopLevelKey(string line) => line.Length > 0 && line[0] is not (' ' or '\t' or '#' or '-');

    // Block items are indented two spaces; the file's by `indent`.
    private static string Reindent(string line, int indent) =>
        line.StartsWith("  ", StringComparison.Ordinal) ? new string(' ', indent) + line[2..] : line;
}
