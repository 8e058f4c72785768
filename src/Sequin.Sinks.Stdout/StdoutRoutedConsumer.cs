using Sequin.Messages;

namespace Sequin.Sinks.Stdout;

/// <summary>The stdout sink has no routable keys: every message goes to the one output.</summary>
internal sealed class StdoutRoutedConsumer : RoutedConsumer<StdoutSinkOptions>
{
    public override IReadOnlyList<RoutableKey> Keys { get; } = [];

    public override string DefaultRoutingFunction =>
        """
        // The stdout sink has no routable keys: every message goes to the same output,
        // so a routing function for it returns an empty object.
        function route(action, record, changes, metadata) {
          return {};
        }

        """;

    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
    }
}
