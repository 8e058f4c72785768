using System.Globalization;
using Sequin.Configuration;
using Sequin.Sinks;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Sequin.Hosting.Configuration;

/// <summary>
/// Reads a YAML text as a stream of events (no tree, no recursion) and refuses maps and lists nested deeper than
/// <see cref="ConfigLimits.MaxNestingDepth"/>, naming the key path, before the recursive representation model is
/// built. Syntax errors are left to the real load, which reports them with line and column.
/// </summary>
internal static class YamlDepthCheck
{
    public static void Run(string text, string fileName)
    {
        var parser = new Parser(new StringReader(text));
        var frames = new Stack<Frame>();
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentEnd:
                        return; // only the first document is read
                    case Scalar scalar:
                        if (frames.TryPeek(out var top) && top.IsMap && top.ExpectKey)
                        {
                            top.Key = scalar.Value;
                        }

                        Complete(frames);
                        break;
                    case AnchorAlias:
                        Complete(frames);
                        break;
                    case NodeEvent start when start is MappingStart or SequenceStart:
                        var path = PathOfNext(frames);
                        if (frames.Count + 1 > ConfigLimits.MaxNestingDepth)
                        {
                            throw new SequinConfigurationException(
                            [
                                new ConfigError(
                                    path.Length == 0 ? fileName : path,
                                    $"Nested more than {ConfigLimits.MaxNestingDepth} levels deep (line {start.Start.Line}, column {start.Start.Column}); flatten the value."),
                            ]);
                        }

                        frames.Push(new Frame(start is MappingStart, path));
                        break;
                    case MappingEnd or SequenceEnd:
                        frames.Pop();
                        Complete(frames);
                        break;
                }
            }
        }
        catch (YamlException)
        {
            // reported by the load that follows
        }
        catch (InvalidOperationException)
        {
        }
        catch (ArgumentException)
        {
        }
    }

    /// <summary>The key path of the node that starts next in the innermost open map or list.</summary>
    private static string PathOfNext(Stack<Frame> frames)
    {
        if (!frames.TryPeek(out var top))
        {
            return string.Empty;
        }

        if (!top.IsMap)
        {
            return top.Path + "[" + top.Index.ToString(CultureInfo.InvariantCulture) + "]";
        }

        var key = top.ExpectKey ? "?" : top.Key ?? "?";
        return top.Path.Length == 0 ? key : top.Path + "." + key;
    }

    /// <summary>A node of the innermost open map or list is complete: a map goes from key to value and back, a list on.</summary>
    private static void Complete(Stack<Frame> frames)
    {
        if (!frames.TryPeek(out var top))
        {
            return;
        }

        if (top.IsMap)
        {
            top.ExpectKey = !top.ExpectKey;
        }
        else
        {
            top.Index++;
        }
    }

    private sealed class Frame(bool isMap, string path)
    {
        public bool IsMap { get; } = isMap;

        public string Path { get; } = path;

        public bool ExpectKey { get; set; } = true;

        public string? Key { get; set; }

        public int Index { get; set; }
    }
}
