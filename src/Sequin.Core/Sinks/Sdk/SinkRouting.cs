using System.Text;
using Sequin.Messages;

namespace Sequin.Sinks.Sdk;

/// <summary>
/// The routing of a <see cref="Sink{TOptions}"/> as the runtime sees it: the sink's route keys, default route and
/// route check, and the static route copied from its routable options.
/// </summary>
internal sealed class SinkRouting<TOptions>(Sink<TOptions> sink) : IRoutedConsumer
    where TOptions : class, new()
{
    public IReadOnlyList<RoutableKey> Keys { get; } = sink.RouteKeys;

    public string DefaultRoutingFunction => sink.DefaultRoutingFunction;

    public void ApplyDefaultRoute(ChangeMessage message, Route route) => sink.ApplyDefaultRoute(message, route);

    public void ApplyStaticRoute(object sinkOptions, Route route) =>
        sink.ApplyStaticRoute(sinkOptions as TOptions ?? throw new ArgumentException($"Expected options of type {typeof(TOptions).Name}.", nameof(sinkOptions)), route);

    public string? Validate(Route route) => sink.ValidateRoute(route);

    /// <summary>A routing function to start from: returns <c>{}</c>, with a comment listing the keys it may set.</summary>
    public static string DescribeKeys(string typeName, IReadOnlyList<RoutableKey> keys)
    {
        var text = new StringBuilder();
        if (keys.Count == 0)
        {
            text.Append("// The ").Append(typeName).Append(" sink has no routable keys: every message goes to the same place,\n");
            text.Append("// so a routing function for it returns an empty object.\n");
        }
        else
        {
            text.Append("// Routing function for a ").Append(typeName).Append(" sink. Return an object with these keys:\n");
            foreach (var key in keys)
            {
                text.Append("//   ").Append(key.Name).Append(key.Required ? " (required): " : ": ").Append(key.Description).Append('\n');
            }
        }

        text.Append("function route(action, record, changes, metadata) {\n  return {};\n}\n");
        return text.ToString();
    }
}
