using Sequin.Messages;
using Sequin.Sinks.Sdk;

namespace Sequin.Sinks;

/// <summary>
/// A sink: its options class (properties marked <see cref="SinkOptionAttribute"/>) and its delivery
/// (<see cref="CreateDelivery"/>). Core derives the rest: the schema, parsing and export of <c>destination:</c>, the
/// static route from routable options, batching within <see cref="GetLimits"/>, size checks, retries, failure logs and
/// disposal. Override a virtual member only where the sink computes something of its own (a default route, a route
/// check, a rule between options). Mark the assembly with <c>[assembly: SequinSinkPlugin(typeof(MySink))]</c> to be
/// found in <c>plugins/</c>; register it in an embedding host with <c>services.AddSinkPlugin&lt;MySink&gt;()</c>.
/// </summary>
/// <typeparam name="TOptions">The options class; its parameterless constructor gives the defaults.</typeparam>
public abstract class Sink<TOptions> : ISinkPlugin
    where TOptions : class, new()
{
    private readonly Lazy<OptionsSchema<TOptions>> _schema;
    private readonly Lazy<SinkRouting<TOptions>> _routing;

    /// <summary>Creates the sink; its schema is read from <typeparamref name="TOptions"/> on first use.</summary>
    protected Sink()
    {
        _schema = new(() => new OptionsSchema<TOptions>(Validate));
        _routing = new(() => new SinkRouting<TOptions>(this));
    }

    /// <summary>
    /// The <c>destination.type</c> value, e.g. <c>kafka</c>: lower case letters, digits and <c>_</c>. Default: the class
    /// name without its <c>Sink</c> suffix, in snake_case (<c>KafkaSink</c> → <c>kafka</c>, <c>MyQueueSink</c> →
    /// <c>my_queue</c>); override to choose another.
    /// </summary>
    public virtual string TypeName => SinkNames.SnakeCase(GetType().Name is { Length: > 4 } name && name.EndsWith("Sink", StringComparison.Ordinal) ? name[..^4] : GetType().Name);

    /// <summary>One sentence for <c>sequin plugins</c>.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// The route keys a routing function may set. Default: one required key per routable option, with its
    /// description and length limit. Override to add keys that are not options (a message key, say) or stricter rules.
    /// </summary>
    public virtual IReadOnlyList<RoutableKey> RouteKeys => _schema.Value.DefaultRouteKeys;

    /// <summary>
    /// The routing function <c>sequin functions init</c> prints for this sink type. Default: a function returning
    /// <c>{}</c> with a comment listing the route keys; override for sinks whose keys are required.
    /// </summary>
    public virtual string DefaultRoutingFunction => SinkRouting<TOptions>.DescribeKeys(TypeName, RouteKeys);

    /// <inheritdoc />
    ISinkSchema ISinkPlugin.Schema => _schema.Value;

    /// <inheritdoc />
    IRoutedConsumer ISinkPlugin.Routing => _routing.Value;

    /// <summary>What the destination accepts, given the sink's options. Default: <see cref="SinkLimits.Default"/>.</summary>
    public virtual SinkLimits GetLimits(TOptions options) => SinkLimits.Default;

    /// <summary>Creates the delivery of one sink. Called once per sink at start; Core disposes it at stop.</summary>
    /// <param name="options">The parsed and validated options.</param>
    /// <param name="context">The sink's name, routing mode, services, logging and clock.</param>
    public abstract ISinkDelivery CreateDelivery(TOptions options, SinkContext context);

    /// <summary>
    /// The route's starting values for a message, before static values or a routing function's output are applied
    /// (e.g. a key derived from the table). Default: none.
    /// </summary>
    public virtual void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
    }

    /// <summary>
    /// The static route (routing without a function): applied after <see cref="ApplyDefaultRoute"/>. Default: each
    /// routable option that is set, under its own key. Override when a route key's static value comes from an option of
    /// another name (the webhook sink's <c>http_endpoint_path</c> is the route's <c>endpoint_path</c>).
    /// </summary>
    /// <param name="options">The sink's parsed options.</param>
    /// <param name="route">The route, holding the defaults.</param>
    public virtual void ApplyStaticRoute(TOptions options, Route route) => _schema.Value.ApplyStaticRoute(options, route);

    /// <summary>A rule on a whole route beyond each key's own (e.g. a topic name's characters); null when valid.</summary>
    public virtual string? ValidateRoute(Route route) => null;

    /// <summary>
    /// Rules between options (or on one option beyond its range and length), reported with the key they concern. Runs
    /// after each key was parsed; a key that already failed to parse is not reported twice.
    /// </summary>
    /// <param name="options">The options as parsed (keys that failed keep their defaults).</param>
    /// <param name="mode">Static or dynamic routing: routable options are not set in dynamic mode.</param>
    /// <param name="report">Reports an error: the key (e.g. <c>password</c>) and the reason.</param>
    protected virtual void Validate(TOptions options, RoutingMode mode, Action<string, string> report)
    {
    }

    /// <inheritdoc />
    SinkLimits ISinkPlugin.GetLimits(object options) => GetLimits(Cast(options));

    /// <inheritdoc />
    ISinkClient ISinkPlugin.CreateClient(object options, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var typed = Cast(options);
        var limits = GetLimits(typed);
        limits.Validate();
        return new DeliveryClient(CreateDelivery(typed, context), limits);
    }

    /// <inheritdoc />
    ISinkPipeline ISinkPlugin.CreatePipeline(object options, ISinkClient client, SinkContext context) =>
        client is DeliveryClient delivery
            ? new DeliveryPipeline(delivery, _routing.Value.Keys, TypeName)
            : throw new ArgumentException($"Expected the client this {TypeName} sink created.", nameof(client));

    private static TOptions Cast(object options) =>
        options as TOptions ?? throw new ArgumentException($"Expected options of type {typeof(TOptions).Name}.", nameof(options));
}
