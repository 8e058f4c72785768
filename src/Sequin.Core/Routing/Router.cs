using Sequin.Functions;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Routing;

/// <summary>
/// Builds and validates the route of each message for one sink, the same way for every sink type: the sink's default
/// route, then its static config values (static mode) or the routing function's output (dynamic mode; static sink
/// values are not merged, as in the original), then every key's rules and the sink's own check. Not thread-safe: one
/// per processor, because it caches the values that passed validation.
/// </summary>
internal sealed class Router
{
    private readonly IRoutedConsumer _consumer;
    private readonly IReadOnlyList<RoutableKey> _keys;
    private readonly object? _sinkOptions;
    private readonly string _sinkName;
    private readonly string?[] _lastValid;

    /// <summary>Creates the router of one sink.</summary>
    /// <param name="consumer">The sink's routing.</param>
    /// <param name="sinkOptions">The sink's parsed options; needed in static mode.</param>
    /// <param name="sinkName">The sink's name, for errors.</param>
    public Router(IRoutedConsumer consumer, object? sinkOptions, string sinkName)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        _consumer = consumer;
        _keys = consumer.Keys;
        _sinkOptions = sinkOptions;
        _sinkName = sinkName;
        _lastValid = new string?[_keys.Count];
    }

    /// <summary>The route of a message in static mode: default ⊕ the sink's static values.</summary>
    /// <returns>Null when valid; otherwise the error.</returns>
    public string? RouteStatic(ChangeMessage message, out Route route)
    {
        route = new Route(_keys);
        _consumer.ApplyDefaultRoute(message, route);
        if (_sinkOptions is not null)
        {
            _consumer.ApplyStaticRoute(_sinkOptions, route);
        }

        var error = Validate(route);
        return error is null ? null : $"Invalid route for sink '{_sinkName}': {error}";
    }

    /// <summary>
    /// The route of a message in dynamic mode: default ⊕ the function's output. Keys the function omits (or sets to
    /// <c>undefined</c>) keep the default; <c>null</c> unsets a key; strings are taken as is and numbers in their
    /// JavaScript string form; anything else, and any key the sink does not know, is an error.
    /// </summary>
    /// <returns>Null when valid; otherwise the errors, naming the function, the key, the value and the rule.</returns>
    public string? RouteDynamic(ChangeMessage message, IReadOnlyList<RouteEntry> output, string functionName, out Route route)
    {
        ArgumentNullException.ThrowIfNull(output);
        route = new Route(_keys);
        _consumer.ApplyDefaultRoute(message, route);
        List<string>? errors = null;
        foreach (var entry in output)
        {
            if (!route.IsKnownKey(entry.Key))
            {
                (errors ??= []).Add(
                    $"unknown key '{entry.Key}' (value {Show(entry)}); the routable keys of this sink are: {string.Join(", ", _keys.Select(k => k.Name))}");
                continue;
            }

            switch (entry.Kind)
            {
                case RouteValueKind.String or RouteValueKind.Number when !IsMapKey(entry.Key):
                    route[entry.Key] = entry.Text;
                    break;
                case RouteValueKind.Map when IsMapKey(entry.Key):
                    route[entry.Key] = entry.Text;
                    break;
                case RouteValueKind.Null:
                    route[entry.Key] = null;
                    break;
                case RouteValueKind.Undefined:
                    break;
                default:
                    (errors ??= []).Add(IsMapKey(entry.Key)
                        ? $"key '{entry.Key}' has {Show(entry)}: its value must be an object whose values are strings or numbers, e.g. {{ \"X-Tenant\": \"7\" }}"
                        : $"key '{entry.Key}' has {Show(entry)}: route values must be strings or numbers");
                    break;
            }
        }

        if (errors is null && Validate(route) is { } invalid)
        {
            (errors ??= []).Add(invalid);
        }

        return errors is null ? null : $"Invalid route from routing function '{functionName}': {string.Join("; ", errors)}";
    }

    /// <summary>Checks every key's rules (cached per key for the last value that passed) and the sink's own rules.</summary>
    /// <returns>Null when valid; otherwise the error.</returns>
    public string? Validate(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        for (var i = 0; i < _keys.Count; i++)
        {
            var value = route[i];
            if (value is not null && (ReferenceEquals(value, _lastValid[i]) || string.Equals(value, _lastValid[i], StringComparison.Ordinal)))
            {
                continue;
            }

            if (_keys[i].Check(value) is { } error)
            {
                return error;
            }

            if (value is not null)
            {
                _lastValid[i] = value;
            }
        }

        return _consumer.Validate(route);
    }

    private bool IsMapKey(string key)
    {
        foreach (var k in _keys)
        {
            if (string.Equals(k.Name, key, StringComparison.Ordinal))
            {
                return k.IsMap;
            }
        }

        return false;
    }

    private static string Show(RouteEntry entry) => entry.Kind switch
    {
        RouteValueKind.Map => "an object",
        RouteValueKind.String => "\"" + entry.Text + "\"",
        RouteValueKind.Number => entry.Text!,
        RouteValueKind.Null => "null",
        RouteValueKind.Undefined => "undefined",
        _ => entry.Text ?? "?",
    };
}
