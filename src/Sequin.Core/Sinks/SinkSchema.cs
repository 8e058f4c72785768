using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Sequin.Sinks;

/// <summary>
/// Base class for a sink's schema. Declare each field once in the constructor with <see cref="AddString"/>,
/// <see cref="AddInteger"/>, <see cref="AddBoolean"/> or <see cref="AddEnum{TEnum}"/>; parsing, unknown-key detection,
/// the static/dynamic rules for routable fields, and export with masked secrets come from here. Override
/// <see cref="Validate"/> for rules that span fields.
/// </summary>
/// <typeparam name="TOptions">The sink's options class, with defaults set in its initializers.</typeparam>
internal abstract class SinkSchema<TOptions> : ISinkSchema
    where TOptions : class, new()
{
    /// <summary>The text that replaces a secret on export and in logs.</summary>
    public const string MaskedSecret = "********";

    private readonly List<FieldBinding> _bindings = [];
    private readonly List<SinkField> _fields = [];

    /// <inheritdoc />
    public Type OptionsType => typeof(TOptions);

    /// <inheritdoc />
    public IReadOnlyList<SinkField> Fields => _fields;

    /// <inheritdoc />
    public SinkOptionsParseResult Parse(IConfiguration destination, RoutingMode mode, string path)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var options = new TOptions();
        var errors = new List<ConfigError>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in destination.GetChildren())
        {
            if (string.Equals(child.Key, "type", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var binding = _bindings.Find(b => string.Equals(b.Field.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (binding is null)
            {
                errors.Add(new ConfigError($"{path}.{child.Key}", $"Unknown field. Known fields: {string.Join(", ", _fields.Select(f => f.Name))}."));
                continue;
            }

            seen.Add(binding.Field.Name);
            if (binding.SetMap is not null)
            {
                if (binding.SetMap(options, child) is { } mapError)
                {
                    errors.Add(new ConfigError($"{path}.{binding.Field.Name}", mapError));
                }

                continue;
            }

            if (child.Value is null)
            {
                if (child.GetChildren().Any())
                {
                    errors.Add(new ConfigError($"{path}.{binding.Field.Name}", $"Expected a {Describe(binding.Field)}, got a list or map."));
                }

                continue;
            }

            if (binding.Field.Routable && mode == RoutingMode.Dynamic)
            {
                continue; // a routing function decides it: cleared.
            }

            var error = binding.Set(options, child.Value);
            if (error is not null)
            {
                errors.Add(new ConfigError($"{path}.{binding.Field.Name}", error));
            }
        }

        foreach (var binding in _bindings)
        {
            var field = binding.Field;
            var requiredHere = field.Required || (field.Routable && mode == RoutingMode.Static);
            if (requiredHere && !seen.Contains(field.Name))
            {
                var why = field.Routable && !field.Required ? " when routing is static (or set routing to a function)" : string.Empty;
                errors.Add(new ConfigError($"{path}.{field.Name}", $"Required{why}."));
            }
        }

        // Rules between keys run on what parsed; a key that already has an error is not reported twice.
        var failed = errors.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        Validate(options, mode, (key, message) =>
        {
            var keyPath = $"{path}.{key}";
            if (!failed.Contains(keyPath))
            {
                errors.Add(new ConfigError(keyPath, message));
            }
        });

        return new SinkOptionsParseResult(options, errors);
    }

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, string>> Export(object options)
    {
        if (options is not TOptions typed)
        {
            throw new ArgumentException($"Expected options of type {typeof(TOptions).Name}.", nameof(options));
        }

        var result = new List<KeyValuePair<string, string>>();
        foreach (var binding in _bindings)
        {
            var value = binding.Get(typed);
            if (value is null)
            {
                continue;
            }

            result.Add(new(binding.Field.Name, binding.Field.Secret && binding.SetMap is null ? MaskedSecret : value));
        }

        return result;
    }

    /// <summary>Cross-field validation, run after every key was parsed (keys that failed keep their defaults); a mistake reported on a key that already failed is dropped.</summary>
    /// <param name="options">The parsed options.</param>
    /// <param name="mode">The routing mode.</param>
    /// <param name="report">Reports one mistake: the key (relative to <c>destination</c>) and the reason.</param>
    protected virtual void Validate(TOptions options, RoutingMode mode, Action<string, string> report)
    {
    }

    /// <summary>Declares a text field.</summary>
    /// <param name="field">Its metadata; <see cref="SinkField.Type"/> should be Text or Url.</param>
    /// <param name="get">Reads the value for export.</param>
    /// <param name="set">Stores the value.</param>
    /// <param name="validate">Optional: returns an error message for a bad value, or null.</param>
    protected void AddString(SinkField field, Func<TOptions, string?> get, Action<TOptions, string> set, Func<string, string?>? validate = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        Add(field, get, (o, text) =>
        {
            if (field.MaxLength is { } max && text.Length > max)
            {
                return $"Must be at most {max} characters (got {text.Length}).";
            }

            if (field.Type == SinkFieldType.Url && !Uri.TryCreate(text, UriKind.Absolute, out _))
            {
                return $"Must be an absolute URL (got '{(field.Secret ? MaskedSecret : text)}').";
            }

            var error = validate?.Invoke(text);
            if (error is null)
            {
                set(o, text);
            }

            return error;
        });
    }

    /// <summary>Declares an integer field; <see cref="SinkField.Minimum"/> and <see cref="SinkField.Maximum"/> are enforced.</summary>
    protected void AddInteger(SinkField field, Func<TOptions, long?> get, Action<TOptions, long> set)
    {
        ArgumentNullException.ThrowIfNull(field);
        Add(field, o => get(o)?.ToString(CultureInfo.InvariantCulture), (o, text) =>
        {
            if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                return $"Must be a whole number (got '{text}').";
            }

            if (field.Minimum is { } min && value < min)
            {
                return $"Must be at least {min} (got {value}).";
            }

            if (field.Maximum is { } max && value > max)
            {
                return $"Must be at most {max} (got {value}).";
            }

            set(o, value);
            return null;
        });
    }

    /// <summary>Declares a boolean field (<c>true</c>/<c>false</c>).</summary>
    protected void AddBoolean(SinkField field, Func<TOptions, bool?> get, Action<TOptions, bool> set)
    {
        ArgumentNullException.ThrowIfNull(field);
        Add(field, o => get(o) is { } b ? (b ? "true" : "false") : null, (o, text) =>
        {
            if (!bool.TryParse(text, out var value))
            {
                return $"Must be true or false (got '{text}').";
            }

            set(o, value);
            return null;
        });
    }

    /// <summary>
    /// Declares an enum field. Wire values are the member names in snake_case (<c>ScramSha256</c> ⇒ <c>scram_sha_256</c>)
    /// unless <see cref="SinkField.AllowedValues"/> lists them in member order.
    /// </summary>
    protected void AddEnum<TEnum>(SinkField field, Func<TOptions, TEnum?> get, Action<TOptions, TEnum> set)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(field);
        var members = Enum.GetValues<TEnum>();
        var names = field.AllowedValues ?? members.Select(m => SinkNames.SnakeCase(m.ToString())).ToArray();
        if (names.Count != members.Length)
        {
            throw new ArgumentException($"AllowedValues of {field.Name} must list one name per {typeof(TEnum).Name} member.", nameof(field));
        }

        var described = field with { Type = SinkFieldType.Enum, AllowedValues = names };
        Add(described, o => get(o) is { } v ? names[Array.IndexOf(members, v)] : null, (o, text) =>
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (string.Equals(names[i], text, StringComparison.OrdinalIgnoreCase))
                {
                    set(o, members[i]);
                    return null;
                }
            }

            return $"Must be one of {string.Join(", ", names)} (got '{text}').";
        });
    }

    /// <summary>
    /// Declares a map field: names to text values (<c>headers: {X-Tenant: "7"}</c>). Each value must be a single text
    /// value; a secret map's values are masked on export and never echoed in errors, its names are shown.
    /// </summary>
    protected void AddMap(SinkField field, Func<TOptions, IReadOnlyDictionary<string, string>?> get, Action<TOptions, IReadOnlyDictionary<string, string>> set)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(get);
        ArgumentNullException.ThrowIfNull(set);
        var described = field with { Type = SinkFieldType.Map };
        Add(described, o => get(o) is { Count: > 0 } map ? ExportMap(map, described.Secret) : null, (_, _) => null);
        _bindings[^1] = _bindings[^1] with
        {
            SetMap = (o, section) =>
            {
                var children = section.GetChildren().ToList();
                if (section.Value is { Length: > 0 } || (section.Value is null && children.Count == 0))
                {
                    return "Expected a map of names and values, e.g. { X-Tenant: \"7\" }.";
                }

                var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                if (children.Count > 0 && children.All(c => int.TryParse(c.Key, System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                {
                    // The original's list form: - { key: Content-Type, value: application/json }
                    foreach (var item in children)
                    {
                        var name = item["key"];
                        var value = item["value"];
                        if (string.IsNullOrWhiteSpace(name) || value is null || item.GetChildren().Count() != 2)
                        {
                            return $"Item {item.Key} must be {{ key: <name>, value: <text> }} (or write a map of names and values).";
                        }

                        map[name.Trim()] = value;
                    }

                    set(o, map);
                    return null;
                }

                foreach (var child in children)
                {
                    if (child.Value is null || child.GetChildren().Any())
                    {
                        return $"The value of '{child.Key}' must be a single text value, not a list or map.";
                    }

                    if (described.MaxLength is { } max && child.Value.Length > max)
                    {
                        return $"The value of '{child.Key}' must be at most {max} characters (got {child.Value.Length}).";
                    }

                    map[child.Key] = child.Value;
                }

                set(o, map);
                return null;
            },
        };
    }

    /// <summary>A map as a YAML flow map of JSON strings, e.g. <c>{ "X-Tenant": "7" }</c>; values masked when secret.</summary>
    private static string ExportMap(IReadOnlyDictionary<string, string> map, bool secret) =>
        "{ " + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
            System.Text.Json.JsonSerializer.Serialize(p.Key) + ": " + System.Text.Json.JsonSerializer.Serialize(secret ? MaskedSecret : p.Value))) + " }";

    private void Add(SinkField field, Func<TOptions, string?> get, Func<TOptions, string, string?> set)
    {
        if (_fields.Exists(f => string.Equals(f.Name, field.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"Field {field.Name} is declared twice.", nameof(field));
        }

        _fields.Add(field);
        _bindings.Add(new FieldBinding(field, get, set));
    }

    private static string Describe(SinkField field) => field.Type switch
    {
        SinkFieldType.WholeNumber => "whole number",
        SinkFieldType.Boolean => "true or false",
        SinkFieldType.Enum => "value",
        SinkFieldType.Url => "URL",
        SinkFieldType.Map => "map",
        _ => "text value",
    };

    private sealed record FieldBinding(SinkField Field, Func<TOptions, string?> Get, Func<TOptions, string, string?> Set)
    {
        /// <summary>For a map field, reads the whole section; returns an error or null.</summary>
        public Func<TOptions, IConfigurationSection, string?>? SetMap { get; init; }
    }
}
