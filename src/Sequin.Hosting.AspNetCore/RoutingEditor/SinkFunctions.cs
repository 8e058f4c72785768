using Sequin.Configuration;
using Sequin.Functions;
using Sequin.Routing;

namespace Sequin.Hosting.AspNetCore.RoutingEditor;

/// <summary>A configured sink's functions as the routing editor opens and runs them (<c>/console/routing?sink=name&amp;function=filter</c>).</summary>
internal static class SinkFunctions
{
    /// <summary>The functions the editor opens, in the order the sink's page links them.</summary>
    public static readonly IReadOnlyList<string> Names = ["routing", "filter", "transform"];

    /// <summary>The kind named <paramref name="function"/> (<c>routing</c> when blank), or null when it is not one the editor runs.</summary>
    public static FunctionKind? Kind(string? function) => (string.IsNullOrWhiteSpace(function) ? "routing" : function.Trim().ToLowerInvariant()) switch
    {
        "routing" => FunctionKind.Routing,
        "filter" => FunctionKind.Filter,
        "transform" => FunctionKind.Transform,
        _ => null,
    };

    /// <summary>The sink's function of <paramref name="kind"/>, or null when it has none.</summary>
    public static FunctionConfig? Configured(SinkConfig sink, FunctionKind kind) => kind switch
    {
        FunctionKind.Routing => sink.RoutingFunction,
        FunctionKind.Filter => sink.FilterFunction,
        FunctionKind.Transform => sink.TransformFunction,
        _ => null,
    };

    /// <summary>A new function's starting code: the plugin's default route, or the identity filter and transform.</summary>
    public static string Starter(FunctionKind kind, string defaultRoute) => kind switch
    {
        FunctionKind.Filter => "function filter(action, record, changes, metadata) {\n  return true;\n}\n",
        FunctionKind.Transform => "function transform(action, record, changes, metadata) {\n  return record;\n}\n",
        _ => defaultRoute,
    };

    /// <summary>The sink's processing with <paramref name="edited"/> in place of its function of that kind (a routing function makes the mode dynamic).</summary>
    public static MessageProcessorOptions WithEdited(MessageProcessorOptions options, FunctionDefinition edited) => new()
    {
        Routing = options.Routing,
        Consumer = options.Consumer,
        SinkOptions = options.SinkOptions,
        Mode = edited.Kind == FunctionKind.Routing ? Sequin.Sinks.RoutingMode.Dynamic : options.Mode,
        RoutingFunction = edited.Kind == FunctionKind.Routing ? edited : options.RoutingFunction,
        FilterFunction = edited.Kind == FunctionKind.Filter ? edited : options.FilterFunction,
        TransformFunction = edited.Kind == FunctionKind.Transform ? edited : options.TransformFunction,
        TimestampFormat = options.TimestampFormat,
        Limits = options.Limits,
    };
}
