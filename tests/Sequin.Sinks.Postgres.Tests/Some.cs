using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Messages;
using Sequin.Sinks;

namespace Sequin.Sinks.Postgres.Tests;

/// <summary>Test data: source tables, changes to them, routed messages, a sink context, a <c>destination:</c> section.</summary>
internal static class Some
{
    public const string Path = "sinks[0].destination";

    public static readonly ConsumerInfo Consumer = new("orders-to-postgres", "orders-to-postgres");

    /// <summary><c>public.orders (id int4 key, name text)</c>.</summary>
    public static readonly RelationInfo Orders = new(
        16384,
        "public",
        "orders",
        [new RelationColumn("id", PgTypeOids.Int4, -1, true), new RelationColumn("name", PgTypeOids.Text, -1, false)]);

    /// <summary>
    /// <c>public.values_ (id int8 key, amount numeric(30,10), doc jsonb, tags text[], at timestamptz, raw bytea, label text)</c>:
    /// one column of each kind that must arrive exactly.
    /// </summary>
    public static readonly RelationInfo Values = new(
        16390,
        "public",
        "values_",
        [
            new RelationColumn("id", PgTypeOids.Int8, -1, true),
            new RelationColumn("amount", PgTypeOids.Numeric, ((30 << 16) | 10) + 4, false),
            new RelationColumn("doc", PgTypeOids.Jsonb, -1, false),
            new RelationColumn("tags", 1009, -1, false),
            new RelationColumn("at", PgTypeOids.Timestamptz, -1, false),
            new RelationColumn("raw", PgTypeOids.Bytea, -1, false),
            new RelationColumn("label", PgTypeOids.Text, -1, false),
        ]);

    private static readonly SourceDatabaseInfo Source = new("shop-id", "shop", "shopdb", "localhost");

    public static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    /// <summary>A change to <c>public.orders</c> row <paramref name="id"/>; a delete carries the key only.</summary>
    public static ChangeMessage Change(int id, ChangeAction action = ChangeAction.Insert, string? name = "widget", int commitIdx = 0, int? oldId = null)
    {
        var key = ColumnValue.FromText(id.ToString(CultureInfo.InvariantCulture));
        var record = new RowImage(Orders, [key, action == ChangeAction.Delete || name is null ? ColumnValue.Null : ColumnValue.FromText(name)]);
        var old = oldId is { } o ? new RowImage(Orders, [ColumnValue.FromText(o.ToString(CultureInfo.InvariantCulture)), ColumnValue.Null]) : null;
        return new ChangeMessage(action, record, old, new TransactionInfo(0x2000, DateTimeOffset.UnixEpoch.AddDays(20000), 42), commitIdx, Source);
    }

    /// <summary>An update of <c>public.orders</c> row <paramref name="id"/> whose <c>name</c> was TOASTed and not sent.</summary>
    public static ChangeMessage UnchangedNameUpdate(int id) =>
        new(ChangeAction.Update, new RowImage(Orders, [ColumnValue.FromText(id.ToString(CultureInfo.InvariantCulture)), ColumnValue.UnchangedToast]), null, new TransactionInfo(0x2000, DateTimeOffset.UnixEpoch, 42), 0, Source);

    /// <summary>A change of <paramref name="relation"/> with the given texts (null: SQL NULL).</summary>
    public static ChangeMessage Row(RelationInfo relation, ChangeAction action, params string?[] texts) =>
        new(action, new RowImage(relation, [.. texts.Select(t => t is null ? ColumnValue.Null : ColumnValue.FromText(t))]), null, new TransactionInfo(0x3000, DateTimeOffset.UnixEpoch, 43), 0, Source);

    /// <summary><paramref name="change"/> routed to <paramref name="table"/>.</summary>
    public static RoutedMessage Routed(ChangeMessage change, string table)
    {
        var route = new Route(new PostgresSink().RouteKeys);
        route[PostgresSink.TableKey] = table;
        var payload = ChangeMessageJsonWriter.ToUtf8Bytes(change, Consumer, TimestampFormat.Iso8601);
        return new RoutedMessage(change, route, string.Join(":", change.GetRecordPks()), payload, isTransformed: false);
    }

    /// <summary>A batch of <paramref name="changes"/>, all routed to <paramref name="table"/>.</summary>
    public static SinkBatch Batch(string table, params ChangeMessage[] changes) => new(table, [.. changes.Select(c => Routed(c, table))]);

    public static SinkContext Context(RoutingMode mode = RoutingMode.Dynamic) =>
        new(Consumer, mode, new NoServices(), NullLoggerFactory.Instance, TimeProvider.System);

    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
