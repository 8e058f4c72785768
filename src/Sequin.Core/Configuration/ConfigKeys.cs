using Microsoft.Extensions.Configuration;

namespace Sequin.Configuration;

/// <summary>Flattens configuration sections into key/value maps, so that two loads of a <c>sequin.yaml</c> can be compared item by item.</summary>
internal static class ConfigKeys
{
    /// <summary>No keys.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Empty = new Dictionary<string, string?>();

    /// <summary>The keys of each list item, by its <c>name</c> (items without one are left out).</summary>
    public static Dictionary<string, IReadOnlyDictionary<string, string?>> ByName(IEnumerable<IConfigurationSection> items)
    {
        var byName = new Dictionary<string, IReadOnlyDictionary<string, string?>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (item["name"] is { Length: > 0 } name)
            {
                byName[name] = Flatten(item);
            }
        }

        return byName;
    }

    /// <summary>Every key outside the <c>databases</c>, <c>functions</c> and <c>sinks</c> lists.</summary>
    public static IReadOnlyDictionary<string, string?> Others(IConfiguration configuration)
    {
        var keys = new SortedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetChildren())
        {
            if (section.Key.Equals("databases", StringComparison.OrdinalIgnoreCase)
                || section.Key.Equals("functions", StringComparison.OrdinalIgnoreCase)
                || section.Key.Equals("sinks", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var (key, value) in Flatten(section))
            {
                keys[key.Length == 0 ? section.Key : section.Key + ":" + key] = value;
            }
        }

        return keys;
    }

    /// <summary>The keys (relative to <paramref name="section"/>) that have values.</summary>
    public static IReadOnlyDictionary<string, string?> Flatten(IConfigurationSection section)
    {
        var keys = new SortedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (section.Value is { } own)
        {
            keys[string.Empty] = own;
        }

        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null && key.Length > 0)
            {
                keys[key] = value;
            }
        }

        return keys;
    }

    /// <summary>The keys whose values differ between <paramref name="before"/> and <paramref name="after"/> (added and removed ones included), as YAML-style paths.</summary>
    public static List<string> Changed(IReadOnlyDictionary<string, string?> before, IReadOnlyDictionary<string, string?> after)
    {
        var changed = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in before)
        {
            if (!after.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                changed.Add(Display(key));
            }
        }

        foreach (var key in after.Keys)
        {
            if (!before.ContainsKey(key))
            {
                changed.Add(Display(key));
            }
        }

        return [.. changed];
    }

    // "destination:hosts:0" -> "destination.hosts[0]"
    private static string Display(string key)
    {
        var parts = key.Split(':');
        var text = new System.Text.StringBuilder();
        foreach (var part in parts)
        {
            if (part.Length > 0 && part.All(char.IsAsciiDigit))
            {
                text.Append('[').Append(part).Append(']');
            }
            else
            {
                if (text.Length > 0)
                {
                    text.Append('.');
                }

                text.Append(part);
            }
        }

        return text.ToString();
    }
}
