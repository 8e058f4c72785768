using Sequin.Configuration;
using System.Globalization;
using System.Text;
using Sequin.Sinks;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sequin.Hosting.Configuration;

/// <summary>
/// Flattens a <c>sequin.yaml</c> document into configuration keys (<c>sinks:0:destination:hosts</c>), substituting
/// <c>${VAR}</c> and <c>${VAR:-default}</c> in values (<c>$${</c> writes a literal <c>${</c>). A YAML null is a key
/// with a null value; an empty list or map is a key with an empty value.
/// </summary>
internal static class SequinYamlParser
{
    /// <summary>Parses the text; any error (syntax, limits, missing variables, odd keys) throws.</summary>
    public static Dictionary<string, string?> Parse(string text, string fileName, Func<string, string?> getEnvironmentVariable)
    {
        var errors = new List<ConfigError>();
        var data = Parse(text, fileName, getEnvironmentVariable, errors);
        if (errors.Count > 0)
        {
            throw new SequinConfigurationException(errors);
        }

        return data;
    }

    /// <summary>
    /// Parses the text. Errors that stop reading (syntax, nesting deeper than <see cref="ConfigLimits.MaxNestingDepth"/>,
    /// aliases expanding past <see cref="ConfigLimits.MaxYamlNodes"/> values or <see cref="ConfigLimits.MaxYamlTextLength"/>
    /// characters) throw; per-value errors (a missing <c>${VAR}</c>, a key that is not text) are added to
    /// <paramref name="errors"/> and reading goes on, so that validation can report them with every other mistake.
    /// A value whose substitution failed keeps its text unsubstituted.
    /// </summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="fileName">The file's name, for errors without a key path.</param>
    /// <param name="getEnvironmentVariable">Looks up <c>${VAR}</c> references.</param>
    /// <param name="errors">Receives the per-value errors.</param>
    /// <param name="variables">Receives each variable substituted and its value (to keep them out of error messages); optional.</param>
    public static Dictionary<string, string?> Parse(
        string text, string fileName, Func<string, string?> getEnvironmentVariable, List<ConfigError> errors, IDictionary<string, string>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(errors);
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

        // The representation model is built recursively: refuse deep nesting before building it.
        YamlDepthCheck.Run(text, fileName);
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException is { } inner && ex.Message.StartsWith("(Line", StringComparison.Ordinal) ? inner.Message : ex.Message;
            throw new SequinConfigurationException(
                [new ConfigError(fileName, $"Invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {Strip(message)}")]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this for some unterminated flow collections; the last parsed event locates it.
            var mark = parser.Current?.End ?? Mark.Empty;
            throw new SequinConfigurationException(
                [new ConfigError(fileName, $"Invalid YAML after line {mark.Line}, column {mark.Column}: an unterminated flow list or map ('[' or '{{' without its closing bracket).")]);
        }
        catch (ArgumentException ex)
        {
            throw new SequinConfigurationException([new ConfigError(fileName, $"Invalid YAML: {ex.Message}")]);
        }

        if (stream.Documents.Count == 0)
        {
            return data;
        }

        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" or "~" })
        {
            return data;
        }

        if (root is not YamlMappingNode)
        {
            throw new SequinConfigurationException(
                [new ConfigError(fileName, $"Expected a map with databases, functions and sinks at line {root.Start.Line}, column {root.Start.Column}.")]);
        }

        var walk = new Walk(data, errors, name =>
        {
            var value = getEnvironmentVariable(name);
            if (variables is not null && !string.IsNullOrEmpty(value))
            {
                variables[name] = value;
            }

            return value;
        });
        Visit(root, string.Empty, string.Empty, 1, walk);
        return data;
    }

    private static void Visit(YamlNode node, string key, string path, int depth, Walk walk)
    {
        // Aliases are shared nodes in the representation model; expanding them is where a small file can grow without
        // bound, so every value written counts against the limits, and an anchored node met again is an alias use.
        var alias = node.Anchor.IsEmpty || walk.Anchored.Add(node) ? null : node;
        var outerAlias = walk.AliasPath;
        var outerAliasNode = walk.AliasNode;
        if (alias is not null && outerAlias is null)
        {
            walk.AliasPath = path;
            walk.AliasNode = alias;
        }

        if (++walk.Nodes > ConfigLimits.MaxYamlNodes)
        {
            throw TooLarge(walk, path, $"more than {ConfigLimits.MaxYamlNodes.ToString("N0", CultureInfo.InvariantCulture)} values");
        }

        if (depth > ConfigLimits.MaxNestingDepth && node is YamlMappingNode or YamlSequenceNode)
        {
            throw new SequinConfigurationException(
                [new ConfigError(path, $"Nested more than {ConfigLimits.MaxNestingDepth} levels deep once aliases are resolved (here, the value at line {node.Start.Line}, column {node.Start.Column}); flatten the value.")]);
        }

        switch (node)
        {
            case YamlMappingNode map:
                if (map.Children.Count == 0 && key.Length > 0)
                {
                    walk.Data[key] = string.Empty;
                }

                foreach (var (name, v) in Entries(map, path, walk))
                {
                    Visit(v, key.Length == 0 ? name : key + ":" + name, path.Length == 0 ? name : path + "." + name, depth + 1, walk);
                }

                break;
            case YamlSequenceNode list:
                if (list.Children.Count == 0)
                {
                    walk.Data[key] = string.Empty;
                }

                for (var i = 0; i < list.Children.Count; i++)
                {
                    var index = i.ToString(CultureInfo.InvariantCulture);
                    Visit(list.Children[i], key + ":" + index, path + "[" + index + "]", depth + 1, walk);
                }

                break;
            case YamlScalarNode scalar:
                walk.TextLength += scalar.Value?.Length ?? 0;
                if (walk.TextLength > ConfigLimits.MaxYamlTextLength)
                {
                    throw TooLarge(walk, path, $"more than {ConfigLimits.MaxYamlTextLength.ToString("N0", CultureInfo.InvariantCulture)} characters of values");
                }

                walk.Data[key] = IsNull(scalar) ? null : Substitute(scalar.Value ?? string.Empty, path, scalar, walk.Errors, walk.Env);
                break;
            default:
                walk.Errors.Add(new ConfigError(path, $"Unsupported YAML node at line {node.Start.Line}, column {node.Start.Column}."));
                break;
        }

        walk.AliasPath = outerAlias;
        walk.AliasNode = outerAliasNode;
    }

    /// <summary>
    /// A map's entries with YAML merge keys resolved (<c>&lt;&lt;: *base</c> or <c>&lt;&lt;: [*a, *b]</c>): the map's own keys
    /// win over merged ones, and an earlier merged map wins over a later one, as YAML 1.1 defines them.
    /// </summary>
    private static List<(string Name, YamlNode Value)> Entries(YamlMappingNode map, string path, Walk walk)
    {
        var entries = new List<(string Name, YamlNode Value)>();
        var merged = new List<YamlNode>();
        foreach (var (k, v) in map.Children)
        {
            if (k is not YamlScalarNode { Value: { Length: > 0 } name })
            {
                walk.Errors.Add(new ConfigError(path.Length == 0 ? "(root)" : path, $"Keys must be plain text (line {k.Start.Line}, column {k.Start.Column})."));
            }
            else if (name == "<<" && k is YamlScalarNode { Style: ScalarStyle.Plain })
            {
                merged.AddRange(v is YamlSequenceNode sources ? sources.Children : [v]);
            }
            else
            {
                entries.Add((name, v));
            }
        }

        foreach (var source in merged)
        {
            if (source is not YamlMappingNode sourceMap)
            {
                walk.Errors.Add(new ConfigError(
                    path.Length == 0 ? "<<" : path + ".<<", $"A merge key takes a map or a list of maps, such as *base (line {source.Start.Line}, column {source.Start.Column})."));
                continue;
            }

            foreach (var (name, value) in Entries(sourceMap, path, walk))
            {
                if (!entries.Exists(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    entries.Add((name, value));
                }
            }
        }

        return entries;
    }

    private static SequinConfigurationException TooLarge(Walk walk, string path, string what)
    {
        var where = walk.AliasPath ?? path;
        var message = walk.AliasNode is not { } alias
            ? $"The file holds {what}; a configuration this large is refused."
            : $"Its aliases expand the file to {what} (here, an alias of the value at line {alias.Start.Line}, column {alias.Start.Column}); a configuration this large is refused. Repeat fewer aliases, or aliases of smaller values.";
        return new SequinConfigurationException([new ConfigError(where.Length == 0 ? "(root)" : where, message)]);
    }

    /// <summary>What one walk over the document has written and counted.</summary>
    private sealed class Walk(Dictionary<string, string?> data, List<ConfigError> errors, Func<string, string?> env)
    {
        public Dictionary<string, string?> Data { get; } = data;

        public List<ConfigError> Errors { get; } = errors;

        public Func<string, string?> Env { get; } = env;

        public HashSet<YamlNode> Anchored { get; } = new(ReferenceEqualityComparer.Instance);

        public string? AliasPath { get; set; }

        public YamlNode? AliasNode { get; set; }

        public long Nodes { get; set; }

        public long TextLength { get; set; }
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static string Substitute(string value, string path, YamlScalarNode node, List<ConfigError> errors, Func<string, string?> env)
    {
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            if (value[i] == '$' && i + 2 < value.Length && value[i + 1] == '$' && value[i + 2] == '{')
            {
                sb.Append("${");
                i += 3;
                continue;
            }

            if (value[i] != '$' || i + 1 >= value.Length || value[i + 1] != '{')
            {
                sb.Append(value[i]);
                i++;
                continue;
            }

            var end = value.IndexOf('}', i + 2);
            if (end < 0)
            {
                errors.Add(new ConfigError(path, $"Unclosed '${{' in value (line {node.Start.Line}, column {node.Start.Column}); write $${{ for a literal '${{'."));
                return value;
            }

            var expression = value[(i + 2)..end];
            var separator = expression.IndexOf(":-", StringComparison.Ordinal);
            var name = separator < 0 ? expression : expression[..separator];
            var fallback = separator < 0 ? null : expression[(separator + 2)..];
            if (!IsVariableName(name))
            {
                errors.Add(new ConfigError(path, $"'${{{expression}}}' is not a variable reference: use ${{NAME}} or ${{NAME:-default}} (line {node.Start.Line}, column {node.Start.Column})."));
                return value;
            }

            var resolved = env(name);
            if (string.IsNullOrEmpty(resolved))
            {
                resolved = fallback;
            }

            if (resolved is null)
            {
                errors.Add(new ConfigError(
                    path,
                    $"Environment variable {name} is not set (line {node.Start.Line}, column {node.Start.Column}). Set it, or give a default: ${{{name}:-value}}."));
                return value;
            }

            sb.Append(resolved);
            i = end + 1;
        }

        return sb.ToString();
    }

    private static bool IsVariableName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Strip(string message) => message.TrimEnd('.') + ".";
}
