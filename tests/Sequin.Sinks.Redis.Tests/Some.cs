using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Sinks.Redis.Tests;

/// <summary>Test data: a table, changes to it, routed messages, a sink context, a <c>destination:</c> section.</summary>
internal static class Some
{
    /// <summary>The path Core gives a sink's section in errors, as in a real config.</summary>
    public const string Path = "sinks[0].destination";

    public static readonly ConsumerInfo Consumer = new("orders-to-redis", "orders-to-redis");

    // A two-column primary key (tenant, id), so that the default key shows how key values are joined.
    private static readonly RelationInfo Orders = new(
        16384,
        "public",
        "orders",
        [
            new RelationColumn("tenant", PgTypeOids.Text, -1, true),
            new RelationColumn("id", PgTypeOids.Int4, -1, true),
            new RelationColumn("name", PgTypeOids.Text, -1, false),
        ]);

    private static readonly SourceDatabaseInfo Source = new("shop", "shop", "shop", "localhost");

    /// <summary>A <c>destination:</c> section from key/value pairs.</summary>
    public static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    /// <summary>A change to <c>public.orders</c> row (eu, <paramref name="id"/>).</summary>
    public static ChangeMessage Change(int id, string name = "widget", ChangeAction action = ChangeAction.Insert, int commitIdx = 0)
    {
        var record = new RowImage(Orders, [ColumnValue.FromText("eu"), ColumnValue.FromText(id.ToString(CultureInfo.InvariantCulture)), ColumnValue.FromText(name)]);
        return new ChangeMessage(action, record, null, new TransactionInfo(0x1000, DateTimeOffset.UnixEpoch.AddDays(20000), 42), commitIdx, Source);
    }

    /// <summary>The default message JSON of a change.</summary>
    public static ReadOnlyMemory<byte> Json(ChangeMessage change) => ChangeMessageJsonWriter.ToUtf8Bytes(change, Consumer, TimestampFormat.Iso8601);

    /// <summary>A change routed to a Redis string as Core routes it by default, with its JSON payload (or <paramref name="transformed"/>).</summary>
    public static RoutedMessage StringMessage(int id, ChangeAction action = ChangeAction.Insert, string? key = null, string? expireMs = null, string? transformed = null, string name = "widget")
    {
        var change = Change(id, name, action);
        var route = new Route(new RedisStringSink().RouteKeys);
        new RedisStringSink().ApplyDefaultRoute(change, route);
        if (key is not null)
        {
            route[RedisStringSink.KeyKey] = key;
        }

        route[RedisStringSink.ExpireMsKey] = expireMs;
        var payload = transformed is null ? Json(change) : Encoding.UTF8.GetBytes(transformed);
        return new RoutedMessage(change, route, "eu:" + id.ToString(CultureInfo.InvariantCulture), payload, isTransformed: transformed is not null);
    }

    /// <summary>A change routed to a stream, with its JSON payload (or <paramref name="transformed"/>).</summary>
    public static RoutedMessage StreamMessage(int id, string streamKey, string name = "widget", ChangeAction action = ChangeAction.Insert, string? transformed = null)
    {
        var change = Change(id, name, action);
        var route = new Route(((ISinkPlugin)new RedisStreamSink()).Routing.Keys);
        route[RedisStreamSink.StreamKeyKey] = streamKey;
        var payload = transformed is null ? Json(change) : Encoding.UTF8.GetBytes(transformed);
        return new RoutedMessage(change, route, "eu:" + id.ToString(CultureInfo.InvariantCulture), payload, isTransformed: transformed is not null);
    }

    /// <summary>A sink context with no services.</summary>
    public static SinkContext Context(RoutingMode mode = RoutingMode.Static) =>
        new(Consumer, mode, new NoServices(), NullLoggerFactory.Instance, TimeProvider.System);

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
