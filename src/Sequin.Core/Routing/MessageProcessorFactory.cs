using Sequin.Functions;
using Sequin.Functions.Engines;
using Sequin.Sinks;

namespace Sequin.Routing;

/// <summary>
/// Creates the per-partition processors of one sink consumer: filter ⇒ route (on the untransformed message) ⇒ payload
/// (the transform's output, or the default message JSON). Functions are parsed once here and shared; every processor
/// gets its own JavaScript engines.
/// </summary>
internal sealed class MessageProcessorFactory : IMessageProcessorFactory
{
    private readonly MessageProcessorOptions _options;
    private readonly ICompiledFunction? _filter;
    private readonly ICompiledFunction? _route;
    private readonly ICompiledFunction? _transform;

    /// <summary>Checks the options and parses the functions.</summary>
    /// <exception cref="ArgumentException">
    /// The options are inconsistent (dynamic mode without a routing function, static mode with one or without sink
    /// options, a function in the wrong slot), or a function does not parse or fails to load; the message names the
    /// function, line and column.
    /// </exception>
    public MessageProcessorFactory(MessageProcessorOptions options)
        : this(options, JintFunctionEngine.Shared)
    {
    }

    internal MessageProcessorFactory(MessageProcessorOptions options, IFunctionEngine engine)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(engine);
        if (options.Routing is null)
        {
            throw new ArgumentException("Routing is required.", nameof(options));
        }

        if (options.Consumer is null)
        {
            throw new ArgumentException("Consumer is required.", nameof(options));
        }

        if (options.Limits is null)
        {
            throw new ArgumentException("Limits is required.", nameof(options));
        }

        switch (options.Mode)
        {
            case RoutingMode.Dynamic when options.RoutingFunction is null:
                throw new ArgumentException($"Sink '{options.Consumer.Name}' uses dynamic routing but has no routing function.", nameof(options));
            case RoutingMode.Static when options.RoutingFunction is not null:
                throw new ArgumentException($"Sink '{options.Consumer.Name}' has routing function '{options.RoutingFunction.Name}' but static routing; a routing function needs dynamic routing.", nameof(options));
            case RoutingMode.Static when options.SinkOptions is null:
                throw new ArgumentException($"Sink '{options.Consumer.Name}' uses static routing: SinkOptions are required.", nameof(options));
        }

        _options = options;
        _route = Compile(engine, options.RoutingFunction, FunctionKind.Routing, options);
        _filter = Compile(engine, options.FilterFunction, FunctionKind.Filter, options);
        _transform = Compile(engine, options.TransformFunction, FunctionKind.Transform, options);
    }

    /// <inheritdoc />
    public IMessageProcessor Create() => new MessageProcessor(_options, _filter, _route, _transform);

    private static void WarmUp(IFunctionInstance instance, FunctionKind kind)
    {
        var input = new FunctionInput(FunctionValidator.SyntheticMessageJson());
        using var release = instance as IDisposable;
        try
        {
            switch (kind)
            {
                case FunctionKind.Filter:
                    instance.InvokeFilter(input);
                    break;
                case FunctionKind.Transform:
                    instance.InvokeTransform(input);
                    break;
                default:
                    instance.InvokeRoute(input, []);
                    break;
            }
        }
        catch (FunctionException)
        {
            // What the function does with synthetic data is FunctionValidator's business; real messages decide here.
        }
    }

    private static ICompiledFunction? Compile(IFunctionEngine engine, FunctionDefinition? definition, FunctionKind kind, MessageProcessorOptions options)
    {
        if (definition is null)
        {
            return null;
        }

        if (definition.Kind != kind)
        {
            throw new ArgumentException(
                $"Function '{definition.Name}' is a {definition.Kind.ToString().ToLowerInvariant()} function; sink '{options.Consumer.Name}' uses it as its {kind.ToString().ToLowerInvariant()} function.",
                nameof(options));
        }

        try
        {
            var compiled = engine.Compile(definition, options.Limits);

            // Load it once so that top-level errors surface at start, not per message, and run it once on the
            // synthetic message so that the engine's code is compiled before the first real message meets the time limit.
            WarmUp(compiled.CreateInstance(), kind);
            return compiled;
        }
        catch (FunctionException e)
        {
            throw new ArgumentException(e.Error.Message, nameof(options), e);
        }
    }
}
