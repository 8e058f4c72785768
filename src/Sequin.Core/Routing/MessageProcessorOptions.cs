using Sequin.Functions;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Routing;

/// <summary>What a <see cref="MessageProcessorFactory"/> needs: the sink's routing, its mode, its functions and the consumer.</summary>
internal sealed class MessageProcessorOptions
{
    /// <summary>The sink's routing (<see cref="ISinkPlugin.Routing"/>).</summary>
    public required IRoutedConsumer Routing { get; init; }

    /// <summary>The sink's consumer (<c>metadata.consumer</c> in messages; its name appears in errors).</summary>
    public required ConsumerInfo Consumer { get; init; }

    /// <summary>The sink's parsed options; required in static mode, where their routable fields override the default route.</summary>
    public object? SinkOptions { get; init; }

    /// <summary>Static (the sink's config decides) or dynamic (the routing function decides). Default: static.</summary>
    public RoutingMode Mode { get; init; } = RoutingMode.Static;

    /// <summary>The routing function; required in dynamic mode, not allowed in static mode.</summary>
    public FunctionDefinition? RoutingFunction { get; init; }

    /// <summary>The filter function, or null to keep every message.</summary>
    public FunctionDefinition? FilterFunction { get; init; }

    /// <summary>The transform function, or null for the default message JSON as payload.</summary>
    public FunctionDefinition? TransformFunction { get; init; }

    /// <summary>How timestamps in record and changes are written, in the payload and in function arguments. Default: ISO 8601.</summary>
    public TimestampFormat TimestampFormat { get; init; } = TimestampFormat.Iso8601;

    /// <summary>The sandbox limits of every function call. Default: <see cref="FunctionLimits.Default"/>.</summary>
    public FunctionLimits Limits { get; init; } = FunctionLimits.Default;
}
