using System.Globalization;
using Microsoft.Extensions.Configuration;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Testing;

namespace Sequin.Sinks.Redis.Tests;

/// <summary>The Redis sinks' test data, on the SDK's test kit (<see cref="SinkTestKit{TOptions}"/>).</summary>
internal static class Some
{
    /// <summary>The path Core gives a sink's section in errors, as in a real config.</summary>
    public const string Path = SinkTestKit.Path;

    public static readonly SinkTestKit<RedisStringSinkOptions> StringKit = new(new RedisStringSink());

    public static readonly SinkTestKit<RedisStreamSinkOptions> StreamKit = new(new RedisStreamSink());

    // A two-column primary key (tenant, id), so that the default key shows how key values are joined.
    private static readonly TestTable Orders = new(
        "public",
        "orders",
        TestColumn.Key("tenant", PgTypeOids.Text),
        TestColumn.Key("id", PgTypeOids.Int4),
        new TestColumn("name", PgTypeOids.Text));

    public static ConsumerInfo Consumer => StringKit.Consumer;

    /// <summary>A <c>destination:</c> section from key/value pairs.</summary>
    public static IConfiguration Config(params (string Key, string? Value)[] values) => SinkTestKit.Config(values);

    /// <summary>A change to <c>public.orders</c> row (eu, <paramref name="id"/>).</summary>
    public static ChangeMessage Change(int id, string name = "widget", ChangeAction action = ChangeAction.Insert, int commitIdx = 0) =>
        Orders.Change(action, ["eu", id.ToString(CultureInfo.InvariantCulture), name], commitIdx: commitIdx);

    /// <summary>The default message JSON of a change.</summary>
    public static ReadOnlyMemory<byte> Json(ChangeMessage change) => ChangeMessageJsonWriter.ToUtf8Bytes(change, Consumer, TimestampFormat.Iso8601);

    /// <summary>A change routed to a Redis string as Core routes it by default, with its JSON payload (or <paramref name="transformed"/>).</summary>
    public static RoutedMessage StringMessage(int id, ChangeAction action = ChangeAction.Insert, string? key = null, string? expireMs = null, string? transformed = null, string name = "widget")
    {
        var change = Change(id, name, action);
        var route = StringKit.Route(change, values: (RedisStringSink.ExpireMsKey, expireMs));
        if (key is not null)
        {
            route[RedisStringSink.KeyKey] = key;
        }

        return StringKit.RoutedOn(change, route, transformed);
    }

    /// <summary>A change routed to a stream, with its JSON payload (or <paramref name="transformed"/>).</summary>
    public static RoutedMessage StreamMessage(int id, string streamKey, string name = "widget", ChangeAction action = ChangeAction.Insert, string? transformed = null)
    {
        var change = Change(id, name, action);
        return StreamKit.RoutedOn(change, StreamKit.Route(change, values: (RedisStreamSink.StreamKeyKey, streamKey)), transformed);
    }

    /// <summary>A sink context with no services.</summary>
    public static SinkContext Context(RoutingMode mode = RoutingMode.Static) => StringKit.Context(mode);
}
