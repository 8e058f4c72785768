namespace Sequin.Sinks;

/// <summary>
/// Where one message goes inside a sink: a value per routable key (null when unset). Built by the shared router from
/// the sink's default route, then the static config (static mode) or the routing function's output (dynamic mode).
/// </summary>
public sealed class Route
{
    private readonly IReadOnlyList<RoutableKey> _keys;
    private readonly string?[] _values;

    /// <summary>Creates an empty route over a sink's routable keys.</summary>
    public Route(IReadOnlyList<RoutableKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
        _values = new string?[keys.Count];
    }

    /// <summary>The sink's routable keys.</summary>
    public IReadOnlyList<RoutableKey> Keys => _keys;

    /// <summary>Gets or sets a key's value (null = unset).</summary>
    /// <exception cref="KeyNotFoundException">The key is not one of the sink's routable keys.</exception>
    public string? this[string key]
    {
        get => _values[IndexOf(key)];
        set => _values[IndexOf(key)] = value;
    }

    /// <summary>Gets a key's value by position in <see cref="Keys"/>.</summary>
    public string? this[int index] => _values[index];

    /// <summary>Whether <paramref name="key"/> is one of the sink's routable keys.</summary>
    public bool IsKnownKey(string key) => TryIndexOf(key) >= 0;

    /// <summary>Returns the key's value, or throws for an unset key.</summary>
    /// <exception cref="InvalidOperationException">The key has no value.</exception>
    public string GetRequired(string key) =>
        this[key] ?? throw new InvalidOperationException($"Route key '{key}' has no value.");

    /// <inheritdoc />
    public override string ToString() =>
        "{" + string.Join(", ", _keys.Select((k, i) => $"{k.Name}: {(_values[i] is { } v ? "\"" + v + "\"" : "null")}")) + "}";

    private int IndexOf(string key)
    {
        var i = TryIndexOf(key);
        return i >= 0 ? i : throw new KeyNotFoundException($"'{key}' is not a routable key of this sink. Known keys: {string.Join(", ", _keys.Select(k => k.Name))}.");
    }

    private int TryIndexOf(string key)
    {
        for (var i = 0; i < _keys.Count; i++)
        {
            if (string.Equals(_keys[i].Name, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
