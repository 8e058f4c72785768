using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Sinks.Webhook.Tests;

/// <summary>Test data: a table, changes to it, routed messages, a sink context, a <c>destination:</c> section.</summary>
internal static class Some
{
    /// <summary>The path Core gives a sink's section in errors, as in a real config.</summary>
    public const string Path = "sinks[0].destination";

    public static readonly ConsumerInfo Consumer = new("orders-to-webhook", "orders-to-webhook");

    private static readonly RelationInfo Orders = new(
        16384,
        "public",
        "orders",
        [new RelationColumn("id", PgTypeOids.Int4, -1, true), new RelationColumn("name", PgTypeOids.Text, -1, false)]);

    private static readonly SourceDatabaseInfo Source = new("shop", "shop", "shop", "localhost");

    /// <summary>A <c>destination:</c> section from key/value pairs (nested keys joined by <c>:</c>).</summary>
    public static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    /// <summary>An insert into <c>public.orders</c>.</summary>
    public static ChangeMessage Change(int id, string name = "widget")
    {
        var record = new RowImage(Orders, [ColumnValue.FromText(id.ToString(CultureInfo.InvariantCulture)), ColumnValue.FromText(name)]);
        return new ChangeMessage(ChangeAction.Insert, record, null, new TransactionInfo(0x1000, DateTimeOffset.UnixEpoch.AddDays(20000), 42), id, Source);
    }

    /// <summary>A change routed as Core routes it, with its JSON payload.</summary>
    public static RoutedMessage Routed(int id, string method = "POST", string endpointPath = "", string? headers = null)
    {
        var change = Change(id);
        var route = new Route(new WebhookSink().RouteKeys);
        route[WebhookSink.MethodKey] = method;
        route[WebhookSink.EndpointPathKey] = endpointPath;
        route[WebhookSink.HeadersKey] = headers;
        var payload = ChangeMessageJsonWriter.ToUtf8Bytes(change, Consumer, TimestampFormat.Iso8601);
        return new RoutedMessage(change, route, id.ToString(CultureInfo.InvariantCulture), payload, isTransformed: false);
    }

    /// <summary>A batch of changes with ids <paramref name="ids"/>.</summary>
    public static SinkBatch Batch(params int[] ids) => new("POST", [.. ids.Select(id => Routed(id))]);

    /// <summary>Parses a destination (key/value pairs) with the sink's schema; asserts it is valid.</summary>
    public static WebhookSinkOptions Options(params (string Key, string? Value)[] values)
    {
        var parsed = new WebhookSink().AsPlugin().Schema.Parse(Config(values), RoutingMode.Static, Path);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        return (WebhookSinkOptions)parsed.Options;
    }

    /// <summary>The sink's errors for a destination, as "path: message" lines.</summary>
    public static IReadOnlyList<ConfigError> Errors(params (string Key, string? Value)[] values) =>
        new WebhookSink().AsPlugin().Schema.Parse(Config(values), RoutingMode.Static, Path).Errors;

    /// <summary>Creates the delivery of a destination, as Core does.</summary>
    public static ISinkDelivery Delivery(WebhookSinkOptions options) => new WebhookSink().CreateDelivery(options, Context());

    private static ISinkPlugin AsPlugin(this WebhookSink sink) => sink;

    /// <summary>A sink context with no services (the sink makes its own HTTP client).</summary>
    public static SinkContext Context(RoutingMode mode = RoutingMode.Static) =>
        new(Consumer, mode, new NoServices(), NullLoggerFactory.Instance, TimeProvider.System);

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
