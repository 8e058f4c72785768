using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Sequin.Sinks;

namespace Sequin.Configuration;

/// <summary>
/// Reads typed values out of configuration sections and collects every mistake with its key path, so that one pass
/// reports all of them. Paths look like <c>sinks[1].destination.topic</c>.
/// </summary>
internal sealed class ConfigReader
{
    private readonly List<ConfigError> _errors;
    private readonly List<ConfigError> _warnings;

    public ConfigReader(List<ConfigError> errors, List<ConfigError>? warnings = null)
    {
        _errors = errors;
        _warnings = warnings ?? [];
    }

    public int ErrorCount => _errors.Count;

    public static string Child(string path, string key) => path.Length == 0 ? key : path + "." + key;

    public static string Item(string path, int index) => $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]";

    public void Error(string path, string message) => _errors.Add(new ConfigError(path, message));

    /// <summary>Records a key that is accepted but ignored or changed in meaning; loading still succeeds.</summary>
    public void Warning(string path, string message) => _warnings.Add(new ConfigError(path, message));

    /// <summary>Whether a key is present with a value, a list or a map (a YAML <c>null</c> counts as absent).</summary>
    public static bool IsPresent(IConfigurationSection section) => section.Value is not null || section.GetChildren().Any();

    /// <summary>Reports each key of <paramref name="section"/> that is neither <paramref name="known"/> nor <paramref name="ignored"/>, listing the known ones.</summary>
    public void RejectUnknown(IConfiguration section, string path, IReadOnlyCollection<string> known, IReadOnlyCollection<string>? ignored = null)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase) && ignored?.Contains(child.Key, StringComparer.OrdinalIgnoreCase) != true)
            {
                Error(Child(path, child.Key), $"Unknown field. Known fields: {string.Join(", ", known)}.");
            }
        }
    }

    /// <summary>True when <paramref name="section"/> is not given; reports it when it is <paramref name="required"/>.</summary>
    private bool IsAbsent(IConfigurationSection section, string keyPath, bool required)
    {
        if (IsPresent(section))
        {
            return false;
        }

        if (required)
        {
            Error(keyPath, "Required.");
        }

        return true;
    }

    /// <summary>Returns a map section, or null when absent; reports a scalar or list given instead.</summary>
    public IConfigurationSection? GetMap(IConfiguration parent, string key, string path, bool required = false)
    {
        var section = parent.GetSection(key);
        var keyPath = Child(path, key);
        if (IsAbsent(section, keyPath, required))
        {
            return null;
        }

        if (section.Value is { Length: 0 } && !section.GetChildren().Any())
        {
            return section; // an empty map: {}
        }

        if (section.Value is not null || IsList(section))
        {
            Error(keyPath, "Expected a map of keys and values.");
            return null;
        }

        return section;
    }

    /// <summary>Returns the items of a list, or null when absent; reports a scalar or map given instead.</summary>
    public List<IConfigurationSection>? GetList(IConfiguration parent, string key, string path, bool required = false)
    {
        var section = parent.GetSection(key);
        var keyPath = Child(path, key);
        if (IsAbsent(section, keyPath, required))
        {
            return null;
        }

        var children = section.GetChildren().ToList();
        if (section.Value is { Length: 0 } && children.Count == 0)
        {
            return []; // an empty list: []
        }

        if (section.Value is not null || !IsList(section))
        {
            Error(keyPath, "Expected a list.");
            return null;
        }

        return children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)).ToList();
    }

    public List<string>? GetStringList(IConfiguration parent, string key, string path, bool nonEmpty = false)
    {
        var items = GetList(parent, key, path);
        if (items is null)
        {
            return null;
        }

        var keyPath = Child(path, key);
        if (nonEmpty && items.Count == 0)
        {
            Error(keyPath, "Must not be empty when given.");
        }

        var result = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var value = items[i].Value;
            if (string.IsNullOrWhiteSpace(value) || items[i].GetChildren().Any())
            {
                Error(Item(keyPath, i), "Expected a non-empty text value.");
                continue;
            }

            result.Add(value.Trim());
        }

        return result;
    }

    /// <summary>Returns a scalar value, or null when absent; reports a list or map given instead.</summary>
    public string? GetString(IConfiguration parent, string key, string path, bool required = false)
    {
        var section = parent.GetSection(key);
        var keyPath = Child(path, key);
        if (section.GetChildren().Any())
        {
            Error(keyPath, "Expected a single value, got a list or map.");
            return null;
        }

        if (string.IsNullOrWhiteSpace(section.Value))
        {
            if (required)
            {
                Error(keyPath, "Required.");
            }

            return null;
        }

        return section.Value;
    }

    public long? GetInteger(IConfiguration parent, string key, string path, long min, long max)
    {
        var text = GetString(parent, key, path);
        if (text is null)
        {
            return null;
        }

        var keyPath = Child(path, key);
        if (!long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            Error(keyPath, $"Must be a whole number (got '{text}').");
            return null;
        }

        if (value < min)
        {
            Error(keyPath, $"Must be at least {min.ToString(CultureInfo.InvariantCulture)} (got {value.ToString(CultureInfo.InvariantCulture)}).");
            return null;
        }

        if (value > max)
        {
            Error(keyPath, $"Must be at most {max.ToString(CultureInfo.InvariantCulture)} (got {value.ToString(CultureInfo.InvariantCulture)}).");
            return null;
        }

        return value;
    }

    public bool? GetBoolean(IConfiguration parent, string key, string path)
    {
        var text = GetString(parent, key, path);
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text.Trim(), out var value))
        {
            return value;
        }

        Error(Child(path, key), $"Must be true or false (got '{text}').");
        return null;
    }

    /// <summary>Reads one of <paramref name="allowed"/> by its YAML name (see <see cref="ConfigEnum"/>), or null when absent.</summary>
    public TEnum? GetEnum<TEnum>(IConfiguration parent, string key, string path, IReadOnlyList<TEnum> allowed, bool required = false)
        where TEnum : struct, Enum
    {
        var before = ErrorCount;
        var text = GetString(parent, key, path);
        if (text is null)
        {
            if (required && ErrorCount == before)
            {
                Error(Child(path, key), $"Required: one of {ConfigEnum.List(allowed)}.");
            }

            return null;
        }

        if (ConfigEnum.TryParse(text, allowed, out var value))
        {
            return value;
        }

        Error(Child(path, key), $"Must be one of {ConfigEnum.List(allowed)} (got '{text}').");
        return null;
    }

    /// <summary>
    /// Turns a map section into a JSON object text (lists become arrays, scalars strings); <c>{}</c> when absent.
    /// A value nested deeper than <see cref="ConfigLimits.MaxNestingDepth"/> levels (counting from the top-level map,
    /// as in <c>sequin.yaml</c>) is an error naming the key path.
    /// </summary>
    public string GetAnnotationsJson(IConfiguration parent, string key, string path)
    {
        var map = GetMap(parent, key, path);
        if (map is null)
        {
            return "{}";
        }

        if (FindTooDeep(map, Child(path, key)) is { } deep)
        {
            Error(deep, $"Nested more than {ConfigLimits.MaxNestingDepth} levels deep; flatten the value.");
            return "{}";
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteJson(writer, map);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The key path of the first map or list nested too deep under <paramref name="section"/>, or null.</summary>
    private static string? FindTooDeep(IConfigurationSection section, string path)
    {
        // A section's level is its key count plus one for the top-level map: sinks:0:annotations is a map at level 4.
        var pending = new Stack<(IConfigurationSection Section, string Path)>();
        pending.Push((section, path));
        while (pending.Count > 0)
        {
            var (current, currentPath) = pending.Pop();
            var children = current.GetChildren().ToList();
            if (children.Count == 0)
            {
                continue;
            }

            if (current.Path.Split(ConfigurationPath.KeyDelimiter).Length + 1 > ConfigLimits.MaxNestingDepth)
            {
                return currentPath;
            }

            var list = IsList(current);
            foreach (var child in children)
            {
                pending.Push((child, list ? currentPath + "[" + child.Key + "]" : Child(currentPath, child.Key)));
            }
        }

        return null;
    }

    private static void WriteJson(Utf8JsonWriter writer, IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            if (section.Value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(section.Value);
            }

            return;
        }

        if (IsList(section))
        {
            writer.WriteStartArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
            {
                WriteJson(writer, child);
            }

            writer.WriteEndArray();
            return;
        }

        writer.WriteStartObject();
        foreach (var child in children)
        {
            writer.WritePropertyName(child.Key);
            WriteJson(writer, child);
        }

        writer.WriteEndObject();
    }

    private static bool IsList(IConfigurationSection section)
    {
        var keys = section.GetChildren().Select(c => c.Key).ToList();
        if (keys.Count == 0)
        {
            return false;
        }

        var indexes = new List<int>(keys.Count);
        foreach (var key in keys)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                return false;
            }

            indexes.Add(index);
        }

        indexes.Sort();
        for (var i = 0; i < indexes.Count; i++)
        {
            if (indexes[i] != i)
            {
                return false;
            }
        }

        return true;
    }
}
