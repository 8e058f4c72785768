using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Sequin.Configuration;

/// <summary>
/// A YAML map being read. Each read names its key, and that is the key's only declaration: <see cref="RejectUnknown"/>
/// then reports every key of the map no read asked for, listing the keys that were. A reader therefore reads each of
/// its keys unconditionally (checks between keys come after the reads) and calls <see cref="RejectUnknown"/> last.
/// </summary>
internal sealed partial class ConfigMap
{
    private readonly List<string> _keys = [];
    private readonly List<string> _ignored = [];

    public ConfigMap(ConfigReader reader, IConfiguration section, string path)
    {
        Reader = reader;
        Section = section;
        Path = path;
    }

    public ConfigReader Reader { get; }

    public IConfiguration Section { get; }

    /// <summary>The map's key path, e.g. <c>sinks[1]</c>.</summary>
    public string Path { get; }

    /// <summary>A list item that must be a map, or null (reported) when it is a scalar or empty.</summary>
    public static ConfigMap? Item(ConfigReader reader, IConfigurationSection section, string path)
    {
        if (section.Value is not null || !section.GetChildren().Any())
        {
            reader.Error(path, "Expected a map of keys and values.");
            return null;
        }

        return new ConfigMap(reader, section, path);
    }

    public string PathOf(string key) => ConfigReader.Child(Path, key);

    public void Error(string key, string message) => Reader.Error(PathOf(key), message);

    public void Warning(string key, string message) => Reader.Warning(PathOf(key), message);

    /// <summary>
    /// Declares <paramref name="key"/> as a key of the original Sequin that is ignored here (not listed among the known
    /// fields): when present, it is a warning with <paramref name="message"/>, or an error when <paramref name="isError"/>
    /// (ignoring it would change what is delivered); a null message accepts it silently.
    /// </summary>
    public void Ignored(string key, string? message, bool isError = false)
    {
        _ignored.Add(key);
        if (!Has(key) || message is null)
        {
            return;
        }

        if (isError)
        {
            Error(key, message);
        }
        else
        {
            Warning(key, message);
        }
    }

    /// <summary>Whether the key has a value, list or map.</summary>
    public bool Has(string key) => ConfigReader.IsPresent(Section.GetSection(key));

    public string? String(string key, bool required = false) => Reader.GetString(Section, Declare(key), Path, required);

    public long? Integer(string key, long min, long max) => Reader.GetInteger(Section, Declare(key), Path, min, max);

    public bool? Boolean(string key) => Reader.GetBoolean(Section, Declare(key), Path);

    /// <summary>One of the enum's members by its YAML name (see <see cref="ConfigEnum"/>); a required one missing is reported with the names.</summary>
    public TEnum? Enum<TEnum>(string key, bool required = false)
        where TEnum : struct, Enum => Reader.GetEnum(Section, Declare(key), Path, System.Enum.GetValues<TEnum>(), required);

    public List<string>? StringList(string key, bool nonEmpty = false) => Reader.GetStringList(Section, Declare(key), Path, nonEmpty);

    public List<IConfigurationSection>? List(string key) => Reader.GetList(Section, Declare(key), Path);

    public string AnnotationsJson(string key) => Reader.GetAnnotationsJson(Section, Declare(key), Path);

    /// <summary>A nested map, or null when absent (reported when required) or not a map.</summary>
    public ConfigMap? Map(string key, bool required = false) =>
        Reader.GetMap(Section, Declare(key), Path, required) is { } map ? new ConfigMap(Reader, map, PathOf(key)) : null;

    /// <summary>The item's <c>name</c>: required, 1 to 128 letters, digits, '_', '-' or '.'.</summary>
    public string? Name()
    {
        var name = String("name", required: true);
        if (name is not null && !NamePattern().IsMatch(name))
        {
            Error("name", $"A name has 1 to 128 letters, digits, '_', '-' or '.' (got '{name}').");
            return null;
        }

        return name;
    }

    /// <summary>Reports every key no read asked for (and not <see cref="Ignored"/>), listing the keys read. Call after the last read.</summary>
    public void RejectUnknown() => Reader.RejectUnknown(Section, Path, _keys, _ignored);

    /// <summary>
    /// Reports <c>name</c> when an earlier item of the same list used it. Names are checked as written, so that a
    /// duplicate is reported even when the item has other errors.
    /// </summary>
    public static void CheckDuplicateName(ConfigReader reader, IConfigurationSection item, string path, HashSet<string> seen, string what)
    {
        var name = item.Value is null && !item.GetSection("name").GetChildren().Any() ? item["name"]?.Trim() : null;
        if (!string.IsNullOrEmpty(name) && !seen.Add(name))
        {
            reader.Error(ConfigReader.Child(path, "name"), $"Duplicate {what} name '{name}'.");
        }
    }

    private string Declare(string key)
    {
        if (!_keys.Contains(key, StringComparer.OrdinalIgnoreCase))
        {
            _keys.Add(key);
        }

        return key;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$")]
    private static partial Regex NamePattern();
}
