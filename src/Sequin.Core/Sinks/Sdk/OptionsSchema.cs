using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Sequin.Sinks.Sdk;

/// <summary>
/// The schema of a <see cref="Sink{TOptions}"/>'s options, read once from the properties marked
/// <see cref="SinkOptionAttribute"/>: each becomes a <see cref="SinkField"/> with its type, default (the property's
/// initial value), range, length and flags, parsed and exported by <see cref="SinkSchema{TOptions}"/>.
/// </summary>
internal sealed class OptionsSchema<TOptions> : SinkSchema<TOptions>
    where TOptions : class, new()
{
    private static readonly MethodInfo AddEnumMethod = typeof(OptionsSchema<TOptions>).GetMethod(nameof(AddEnumProperty), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private readonly Action<TOptions, RoutingMode, Action<string, string>> _validate;
    private readonly List<(SinkField Field, PropertyInfo Property, Regex? Pattern, string? PatternDescription)> _routable = [];

    public OptionsSchema(Action<TOptions, RoutingMode, Action<string, string>> validate)
    {
        _validate = validate;
        var defaults = new TOptions();
        foreach (var (property, option) in OrderedOptions())
        {
            AddProperty(property, option, property.GetValue(defaults));
        }

        if (Fields.Count == 0)
        {
            throw new InvalidOperationException($"{typeof(TOptions).Name} has no property marked [SinkOption]: a sink needs at least one destination key.");
        }

        DefaultRouteKeys = _routable
            .Select(r => new RoutableKey(r.Field.Name, r.Field.Description)
            {
                Required = true,
                MaxLength = r.Field.MaxLength,
                Pattern = r.Pattern,
                PatternDescription = r.PatternDescription,
            })
            .ToArray();
    }

    /// <summary>One required route key per routable option.</summary>
    public IReadOnlyList<RoutableKey> DefaultRouteKeys { get; }

    // The keys in the order users read them (schema, exports, `sequin plugins`): as declared, the options class's own
    // keys first, then its base class's (e.g. the AWS keys every AWS sink shares).
    private static IEnumerable<(PropertyInfo Property, SinkOptionAttribute Option)> OrderedOptions() =>
        typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Option: p.GetCustomAttribute<SinkOptionAttribute>()!))
            .Where(p => p.Option is not null)
            .OrderByDescending(p => InheritanceDepth(p.Property.DeclaringType!))
            .ThenBy(p => p.Property.MetadataToken);

    private static int InheritanceDepth(Type type)
    {
        var depth = 0;
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            depth++;
        }

        return depth;
    }

    /// <summary>Copies each routable option that is set into the route under its key.</summary>
    public void ApplyStaticRoute(TOptions options, Route route)
    {
        foreach (var (field, property, _, _) in _routable)
        {
            if (property.GetValue(options) is { } value && route.IsKnownKey(field.Name))
            {
                route[field.Name] = Convert.ToString(value, CultureInfo.InvariantCulture);
            }
        }
    }

    protected override void Validate(TOptions options, RoutingMode mode, Action<string, string> report) => _validate(options, mode, report);

    private void AddProperty(PropertyInfo property, SinkOptionAttribute option, object? defaultValue)
    {
        if (property.SetMethod is not { IsPublic: true })
        {
            throw new InvalidOperationException($"{typeof(TOptions).Name}.{property.Name} is marked [SinkOption] but has no public setter.");
        }

        var name = option.Name ?? SinkNames.SnakeCase(property.Name);
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var field = new SinkField(name, SinkFieldType.Text, option.Description)
        {
            Required = option.Required,
            Secret = option.Secret,
            Routable = option.Routable,
            MaxLength = option.MaxLength > 0 ? option.MaxLength : null,
            Minimum = option.Minimum == long.MinValue ? null : option.Minimum,
            Maximum = option.Maximum == long.MaxValue ? null : option.Maximum,
        };
        var pattern = option.Pattern is { } text ? new Regex(text, RegexOptions.CultureInvariant) : null;
        if (pattern is not null && type != typeof(string))
        {
            throw new InvalidOperationException($"{typeof(TOptions).Name}.{property.Name} has a Pattern but is not a string.");
        }

        if (option.Routable)
        {
            _routable.Add((field, property, pattern, option.PatternDescription));
        }

        if (type == typeof(string))
        {
            AddString(
                field with { DefaultValue = defaultValue as string is { Length: > 0 } s ? s : null },
                o => property.GetValue(o) as string is { Length: > 0 } v ? v : null,
                (o, v) => property.SetValue(o, v),
                pattern is null ? null : v => pattern.IsMatch(v) ? null : $"Must be {option.PatternDescription ?? "in the expected format"} (got '{(option.Secret ? MaskedSecret : v)}').");
        }
        else if (type == typeof(Uri))
        {
            AddString(
                field with { Type = SinkFieldType.Url, DefaultValue = (defaultValue as Uri)?.OriginalString },
                o => (property.GetValue(o) as Uri)?.OriginalString,
                (o, v) => property.SetValue(o, new Uri(v, UriKind.Absolute)),
                v => v.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || v.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                    ? null
                    : $"Must be an http:// or https:// URL (got '{(option.Secret ? MaskedSecret : v)}').");
        }
        else if (type == typeof(bool))
        {
            AddBoolean(field with { Type = SinkFieldType.Boolean, DefaultValue = defaultValue is bool b ? (b ? "true" : "false") : null }, o => (bool?)property.GetValue(o), (o, v) => property.SetValue(o, v));
        }
        else if (type == typeof(int) || type == typeof(long))
        {
            var isInt = type == typeof(int);
            var ranged = field with
            {
                Type = SinkFieldType.WholeNumber,
                Minimum = field.Minimum ?? (isInt ? int.MinValue : null),
                Maximum = field.Maximum ?? (isInt ? int.MaxValue : null),
                DefaultValue = defaultValue is null ? null : Convert.ToString(defaultValue, CultureInfo.InvariantCulture),
            };
            AddInteger(
                ranged,
                o => property.GetValue(o) is { } v ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null,
                (o, v) => property.SetValue(o, isInt ? (object)(int)v : v));
        }
        else if (type == typeof(IReadOnlyDictionary<string, string>))
        {
            AddMap(field, o => property.GetValue(o) as IReadOnlyDictionary<string, string>, (o, v) => property.SetValue(o, v));
        }
        else if (type.IsEnum)
        {
            AddEnumMethod.MakeGenericMethod(type).Invoke(this, [field, property, option, defaultValue]);
        }
        else
        {
            throw new InvalidOperationException(
                $"{typeof(TOptions).Name}.{property.Name} is of type {property.PropertyType.Name}; [SinkOption] supports string, bool, int, long, Uri, enums and IReadOnlyDictionary<string, string>.");
        }
    }

    private void AddEnumProperty<TEnum>(SinkField field, PropertyInfo property, SinkOptionAttribute option, object? defaultValue)
        where TEnum : struct, Enum
    {
        var members = Enum.GetValues<TEnum>();
        var names = option.AllowedValues ?? [.. members.Select(m => SinkNames.SnakeCase(m.ToString()))];
        var described = field with
        {
            Type = SinkFieldType.Enum,
            AllowedValues = names,
            DefaultValue = defaultValue is TEnum d && Array.IndexOf(members, d) is var i and >= 0 && i < names.Length ? names[i] : null,
        };
        AddEnum<TEnum>(described, o => (TEnum?)property.GetValue(o), (o, v) => property.SetValue(o, v));
    }
}
