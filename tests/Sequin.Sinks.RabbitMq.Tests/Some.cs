using Microsoft.Extensions.Configuration;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Testing;

namespace Sequin.Sinks.RabbitMq.Tests;

/// <summary>The RabbitMQ sink's test data, on the SDK's test kit (<see cref="SinkTestKit{TOptions}"/>).</summary>
internal static class Some
{
    /// <summary>The path Core gives a sink's section in errors, as in a real config.</summary>
    public const string Path = SinkTestKit.Path;

    public static readonly SinkTestKit<RabbitMqSinkOptions> Kit = new(new RabbitMqSink());

    public static ConsumerInfo Consumer => Kit.Consumer;

    /// <summary>A <c>destination:</c> section from key/value pairs (nested keys joined by <c>:</c>).</summary>
    public static IConfiguration Config(params (string Key, string? Value)[] values) => SinkTestKit.Config(values);

    /// <summary>A change to <c>public.orders</c> row <paramref name="id"/>, committed at index <paramref name="commitIdx"/>.</summary>
    public static ChangeMessage Change(int id, ChangeAction action = ChangeAction.Insert, int commitIdx = 0) =>
        TestTable.Order(id, action: action, commitIdx: commitIdx);

    /// <summary>A change routed as Core routes it (the default route, then <paramref name="exchange"/>), with its JSON payload.</summary>
    public static RoutedMessage Routed(int id, string exchange, string? routingKey = null, string? headers = null)
    {
        var change = Change(id, commitIdx: id);
        var route = Kit.Route(change, values: (RabbitMqSink.ExchangeKey, exchange));
        if (routingKey is not null)
        {
            route[RabbitMqSink.RoutingKeyKey] = routingKey;
        }

        if (headers is not null)
        {
            route[RabbitMqSink.HeadersKey] = headers;
        }

        return Kit.RoutedOn(change, route);
    }

    /// <summary>A sink context with no services.</summary>
    public static SinkContext Context(RoutingMode mode = RoutingMode.Static) => Kit.Context(mode);
}
