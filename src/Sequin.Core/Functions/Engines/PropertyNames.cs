using System.Text;
using System.Text.Json;

namespace Sequin.Functions.Engines;

/// <summary>
/// The property names one engine has read from messages, so that the names of every message's columns and metadata
/// are not allocated again for each message (they repeat). Bounded: past <see cref="Capacity"/> names, new ones are
/// allocated as usual.
/// </summary>
internal sealed class PropertyNames
{
    /// <summary>The most names kept.</summary>
    public const int Capacity = 4096;

    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public PropertyNames()
    {
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The name the reader is positioned on (a property name token).</summary>
    public string Get(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (reader.ValueIsEscaped || raw.Length > 128)
        {
            return reader.GetString()!;
        }

        Span<char> chars = stackalloc char[128];
        var length = Encoding.UTF8.GetChars(raw, chars);
        var name = chars[..length];
        if (_lookup.TryGetValue(name, out var known))
        {
            return known;
        }

        var created = name.ToString();
        if (_names.Count < Capacity)
        {
            _names.Add(created, created);
        }

        return created;
    }
}
