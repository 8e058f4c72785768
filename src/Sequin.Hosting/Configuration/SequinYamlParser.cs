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
    public static Dictionary<string, string?> Parse(string text, string fileName, Func<string, string?> getEnvironmentVariable)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<ConfigError>();
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

        Visit(root, string.Empty, string.Empty, data, errors, getEnvironmentVariable);
        if (errors.Count > 0)
        {
            throw new SequinConfigurationException(errors);
        }

        return data;
    }

    private static void Visit(YamlNode node, string key, string path, Dictionary<string, string?> data, List<ConfigError> errors, Func<string, string?> env)
    {
        switch (node)
        {
            case YamlMappingNode map:
                if (map.Children.Count == 0 && key.Length > 0)
                {
                    data[key] = string.Empty;
                }

                foreach (var (k, v) in map.Children)
                {
                    if (k is not YamlScalarNode { Value: { Length: > 0 } name })
                    {
                        errors.Add(new ConfigError(path.Length == 0 ? "(root)" : path, $"Keys must be plain text (line {k.Start.Line}, column {k.Start.Column})."));
                        continue;
                    }

                    Visit(v, key.Length == 0 ? name : key + ":" + name, path.Length == 0 ? name : path + "." + name, data, errors, env);
                }

                break;
            case YamlSequenceNode list:
                if (list.Children.Count == 0)
                {
                    data[key] = string.Empty;
                }

                for (var i = 0; i < list.Children.Count; i++)
                {
                    var index = i.ToString(CultureInfo.InvariantCulture);
                    Visit(list.Children[i], key + ":" + index, path + "[" + index + "]", data, errors, env);
                }

                break;
            case YamlScalarNode scalar:
                data[key] = IsNull(scalar) ? null : Substitute(scalar.Value ?? string.Empty, path, scalar, errors, env);
                break;
            default:
                errors.Add(new ConfigError(path, $"Unsupported YAML node at line {node.Start.Line}, column {node.Start.Column}."));
                break;
        }
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
