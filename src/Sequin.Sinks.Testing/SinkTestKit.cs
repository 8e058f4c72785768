using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Messages;

namespace Sequin.Sinks.Testing;

/// <summary>
/// A sink as Core drives it, for its tests: <c>destination:</c> sections parsed by its schema (with the path Core gives
/// them in a real config), its delivery created with a <see cref="SinkContext"/>, and messages routed and serialized as
/// Core routes and serializes them (default route, then the static route of the options, then a routing function's
/// values), so that a test delivers exactly what the sink receives in production.
/// </summary>
/// <typeparam name="TOptions">The sink's options class.</typeparam>
public sealed class SinkTestKit<TOptions>
    where TOptions : class, new()
{
    private readonly ISinkPlugin _plugin;

    /// <summary>A kit for <paramref name="sink"/>; its consumer is named <c>orders-to-{type}</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="sink"/> is null.</exception>
    public SinkTestKit(Sink<TOptions> sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Sink = sink;
        _plugin = sink;
        Consumer = new ConsumerInfo("orders-to-" + sink.TypeName, "orders-to-" + sink.TypeName);
    }

    /// <summary>The sink under test.</summary>
    public Sink<TOptions> Sink { get; }

    /// <summary>The sink as the host sees it (schema, routing, limits).</summary>
    public ISinkPlugin Plugin => _plugin;

    /// <summary>The sink consumer the messages and the context belong to.</summary>
    public ConsumerInfo Consumer { get; }

    /// <summary>Parses a section with the sink's schema, as <c>sequin validate</c> does.</summary>
    public SinkOptionsParseResult Parse(RoutingMode mode, params (string Key, string? Value)[] values) =>
        _plugin.Schema.Parse(SinkTestKit.Config(values), mode, SinkTestKit.Path);

    /// <summary>The errors of a section in static routing (empty when it is valid).</summary>
    public IReadOnlyList<ConfigError> Errors(params (string Key, string? Value)[] values) => Parse(RoutingMode.Static, values).Errors;

    /// <summary>The options of a valid section in static routing.</summary>
    /// <exception cref="InvalidOperationException">The section is not valid; the message lists each error.</exception>
    public TOptions Options(params (string Key, string? Value)[] values) => Options(RoutingMode.Static, values);

    /// <summary>The options of a valid section in <paramref name="mode"/>.</summary>
    /// <exception cref="InvalidOperationException">The section is not valid; the message lists each error.</exception>
    public TOptions Options(RoutingMode mode, params (string Key, string? Value)[] values)
    {
        var parsed = Parse(mode, values);
        return parsed.IsValid
            ? (TOptions)parsed.Options
            : throw new InvalidOperationException("The destination is not valid: " + string.Join("; ", parsed.Errors));
    }

    /// <summary>The options as <c>sequin config export</c> writes them (secrets masked).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Export(TOptions options) => _plugin.Schema.Export(options);

    /// <summary>What the destination accepts with <paramref name="options"/>.</summary>
    public SinkLimits Limits(TOptions options) => Sink.GetLimits(options);

    /// <summary>A sink context as Core makes it; <paramref name="services"/> defaults to a provider with no services.</summary>
    public SinkContext Context(RoutingMode mode = RoutingMode.Static, IServiceProvider? services = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null) =>
        new(Consumer, mode, services ?? NoServices.Instance, loggerFactory ?? NullLoggerFactory.Instance, timeProvider ?? TimeProvider.System);

    /// <summary>Creates the sink's delivery for <paramref name="options"/>, as Core does at start (dispose it when done).</summary>
    public ISinkDelivery Delivery(TOptions options, SinkContext? context = null) => Sink.CreateDelivery(options, context ?? Context());

    /// <summary>
    /// The route Core gives <paramref name="change"/>: the sink's default route, then (given <paramref name="options"/>)
    /// the static route of the options, then <paramref name="values"/> as a routing function's output would set them.
    /// </summary>
    /// <exception cref="ArgumentException">A key of <paramref name="values"/> is not one of the sink's route keys.</exception>
    public Route Route(ChangeMessage change, TOptions? options = null, params (string Key, string? Value)[] values)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(values);
        var route = new Route(_plugin.Routing.Keys);
        _plugin.Routing.ApplyDefaultRoute(change, route);
        if (options is not null)
        {
            _plugin.Routing.ApplyStaticRoute(options, route);
        }

        foreach (var (key, value) in values)
        {
            if (!route.IsKnownKey(key))
            {
                throw new ArgumentException($"'{key}' is not a route key of the {Sink.TypeName} sink; its keys: {string.Join(", ", route.Keys.Select(k => k.Name))}.", nameof(values));
            }

            route[key] = value;
        }

        return route;
    }

    /// <summary>
    /// <paramref name="change"/> routed statically by <paramref name="options"/> (and <paramref name="values"/>), with
    /// the default message JSON as its payload, or <paramref name="transformedJson"/> as a transform's output.
    /// </summary>
    public RoutedMessage Routed(ChangeMessage change, TOptions? options = null, string? transformedJson = null, params (string Key, string? Value)[] values) =>
        RoutedOn(change, Route(change, options, values), transformedJson);

    /// <summary><paramref name="change"/> on <paramref name="route"/>, with the default message JSON or <paramref name="transformedJson"/>.</summary>
    public RoutedMessage RoutedOn(ChangeMessage change, Route route, string? transformedJson = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(route);
        var payload = transformedJson is null
            ? ChangeMessageJsonWriter.ToUtf8Bytes(change, Consumer, TimestampFormat.Iso8601)
            : System.Text.Encoding.UTF8.GetBytes(transformedJson);
        return new RoutedMessage(change, route, ChangeMessageJsonWriter.PrimaryKeyGroupId(change), payload, transformedJson is not null);
    }

    private sealed class NoServices : IServiceProvider
    {
        public static readonly NoServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
