using Sequin.Sinks;
using Sequin.Sinks.Sdk;

namespace Sequin.Configuration;

/// <summary>
/// Reads a map of settings declared, as a sink's <c>destination</c> keys are, by a class whose properties carry
/// <see cref="SinkOptionAttribute"/> (<see cref="AwaitDatabaseKeys"/>, <see cref="WalWarningsKeys"/>): the same schema
/// parses it (ranges, unknown keys, errors by key path) and exports it.
/// </summary>
/// <typeparam name="TKeys">The class declaring the map's keys, with each default as its property's initial value.</typeparam>
internal static class OptionsMapReader<TKeys>
    where TKeys : class, new()
{
    /// <summary>The schema derived from <typeparamref name="TKeys"/>'s properties; built once, read-only afterwards.</summary>
    public static OptionsSchema<TKeys> Schema { get; } = new((_, _, _) => { });

    /// <summary>Reads the map under <paramref name="key"/>: the defaults when it is absent, null when it has errors.</summary>
    public static TKeys? Read(ConfigMap parent, string key)
    {
        var map = parent.Map(key);
        if (map is null)
        {
            return parent.Has(key) ? null : new TKeys();
        }

        var before = parent.Reader.ErrorCount;
        if (map.Has("type"))
        {
            // The sinks' schema skips destination.type, which names the sink; here it is just an unknown key.
            map.Error("type", $"Unknown field. Known fields: {string.Join(", ", Schema.Fields.Select(f => f.Name))}.");
        }

        var parsed = Schema.Parse(map.Section, RoutingMode.Static, map.Path);
        foreach (var error in parsed.Errors)
        {
            parent.Reader.Error(error.Path, error.Message);
        }

        return parent.Reader.ErrorCount > before ? null : (TKeys)parsed.Options;
    }

    /// <summary>The keys' values as a YAML flow map, e.g. <c>{ timeout_ms: 30000, interval_ms: 3000 }</c>.</summary>
    public static string Export(TKeys keys) =>
        "{ " + string.Join(", ", Schema.Export(keys).Select(pair => $"{pair.Key}: {pair.Value}")) + " }";
}
