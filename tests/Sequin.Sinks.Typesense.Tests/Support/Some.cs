using System.Text;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Testing;
using Sequin.Sinks.Typesense;

namespace Sequin.Sinks.Typesense.Tests.Support;

/// <summary>Test data: messages for a <c>public.products</c> table, routes, contexts and options.</summary>
internal static class Some
{
    public static readonly ConsumerInfo Consumer = new("consumer-1", "products-to-typesense");

    public static readonly SourceDatabaseInfo Source = new("db-1", "shop", "shop", "localhost");

    public static readonly RelationInfo Products = new(16384, "public", "products",
    [
        new RelationColumn("id", PgTypeOids.Int8, -1, IsKey: true),
        new RelationColumn("name", PgTypeOids.Text, -1, IsKey: false),
        new RelationColumn("price", PgTypeOids.Numeric, -1, IsKey: false),
        new RelationColumn("deleted_at", PgTypeOids.Timestamptz, -1, IsKey: false),
    ]);

    public static readonly RelationInfo OrderLines = new(16390, "sales", "order_lines",
    [
        new RelationColumn("order_id", PgTypeOids.Int8, -1, IsKey: true),
        new RelationColumn("line_no", PgTypeOids.Int4, -1, IsKey: true),
        new RelationColumn("sku", PgTypeOids.Text, -1, IsKey: false),
    ]);

    public static readonly RelationInfo NoKey = new(16400, "public", "events",
    [
        new RelationColumn("payload", PgTypeOids.Text, -1, IsKey: false),
    ]);

    private static readonly IRoutedConsumer Routing = ((ISinkPlugin)new TypesenseSink()).Routing;

    public static ChangeMessage Product(ChangeAction action, long id, string name = "Widget", string price = "9.50", string? deletedAt = null)
    {
        var record = action == ChangeAction.Delete
            ? new RowImage(Products, [ColumnValue.FromText(id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ColumnValue.Null, ColumnValue.Null, ColumnValue.Null])
            : new RowImage(Products,
            [
                ColumnValue.FromText(id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ColumnValue.FromText(name),
                ColumnValue.FromText(price),
                deletedAt is null ? ColumnValue.Null : ColumnValue.FromText(deletedAt),
            ]);
        return Message(action, record);
    }

    public static ChangeMessage Message(ChangeAction action, RowImage record) =>
        new(action, record, null, new TransactionInfo(0x16B3748, DateTimeOffset.Parse("2025-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), 1234), 0, Source);

    public static ChangeMessage OrderLine(ChangeAction action, long orderId, int lineNo, string sku = "A-1") =>
        Message(action, new RowImage(OrderLines,
        [
            ColumnValue.FromText(orderId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ColumnValue.FromText(lineNo.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ColumnValue.FromText(sku),
        ]));

    public static Route Route(ChangeMessage message, string? collection = null, string? action = null)
    {
        var route = new Route(Routing.Keys);
        Routing.ApplyDefaultRoute(message, route);
        if (collection is not null)
        {
            route[TypesenseSink.CollectionNameKey] = collection;
        }

        if (action is not null)
        {
            route[TypesenseSink.ActionKey] = action;
        }

        return route;
    }

    /// <summary>A routed message with the default payload (or <paramref name="transformed"/> JSON as a transform's output).</summary>
    public static RoutedMessage Routed(ChangeMessage message, string collection, string? action = null, string? transformed = null)
    {
        var payload = transformed is null
            ? ChangeMessageJsonWriter.ToUtf8Bytes(message, Consumer, TimestampFormat.Iso8601)
            : Encoding.UTF8.GetBytes(transformed);
        return new RoutedMessage(message, Route(message, collection, action), ChangeMessageJsonWriter.PrimaryKeyGroupId(message), payload, transformed is not null);
    }

    public static SinkBatch Batch(params RoutedMessage[] messages) => new("test", messages);

    public static SinkContext Context(RoutingMode mode = RoutingMode.Static, IServiceProvider? services = null) =>
        new SinkTestKit<TypesenseSinkOptions>(new TypesenseSink()).Context(mode, services);

    public static TypesenseSinkOptions Options(string url, string apiKey, string? collection = null) => new()
    {
        EndpointUrl = url,
        ApiKey = apiKey,
        CollectionName = collection,
        TimeoutSeconds = 5,
    };

    public static string UniqueCollection(string prefix = "products") => prefix + "_" + Guid.NewGuid().ToString("N")[..12];
}
