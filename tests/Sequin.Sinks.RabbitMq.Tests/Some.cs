using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Sinks.RabbitMq.Tests;

/// <summary>Test data: a table, changes to it, routed messages, a sink context, a <c>destination:</c> section.</summary>
internal static class Some
{
    /// <summary>The path Core gives a sink's section in errors, as in a real config.</summary>
    public const string Path = "sinks[0].destination";

    public static readonly ConsumerInfo Consumer = new("orders-to-rabbitmq", "orders-to-rabbitmq");

    private static readonly RelationInfo Orders = new(
        16384,
        "public",
        "orders",
        [new RelationColumn("id", PgTypeOids.Int4, -1, true), new RelationColumn("name", PgTypeOids.Text, -1, false)]);

    private static readonly SourceDatabaseInfo Source = new("shop-id", "shop", "shopdb", "localhost");

    /// <summary>A <c>destination:</c> section from key/value pairs (nested keys joined by <c>:</c>).</summary>
    public static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    /// <summary>A change to <c>public.orders</c> row <paramref name="id"/>, committed at index <paramref name="commitIdx"/>.</summary>
    public static ChangeMessage Change(int id, ChangeAction action = ChangeAction.Insert, int commitIdx = 0)
    {
        var record = new RowImage(Orders, [ColumnValue.FromText(id.ToString(CultureInfo.InvariantCulture)), ColumnValue.FromText("widget")]);
        return new ChangeMessage(action, record, null, new TransactionInfo(0x1000, DateTimeOffset.UnixEpoch.AddDays(20000), 42), commitIdx, Source);
    }

    /// <summary>A change routed as Core routes it (the default route, then <paramref name="exchange"/>), with its JSON payload.</summary>
    public static RoutedMessage Routed(int id, string exchange, string? routingKey = null, string? headers = null)
    {
        var change = Change(id, commitIdx: id);
        var sink = new RabbitMqSink();
        var route = new Route(sink.RouteKeys);
        sink.ApplyDefaultRoute(change, route);
        route[RabbitMqSink.ExchangeKey] = exchange;
        if (routingKey is not null)
        {
            route[RabbitMqSink.RoutingKeyKey] = routingKey;
        }

        if (headers is not null)
        {
            route[RabbitMqSink.HeadersKey] = headers;
        }

        var payload = ChangeMessageJsonWriter.ToUtf8Bytes(change, Consumer, TimestampFormat.Iso8601);
        return new RoutedMessage(change, route, id.ToString(CultureInfo.InvariantCulture), payload, isTransformed: false);
    }

    /// <summary>A sink context with no services.</summary>
    public static SinkContext Context(RoutingMode mode = RoutingMode.Static) =>
        new(Consumer, mode, new NoServices(), NullLoggerFactory.Instance, TimeProvider.System);

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
