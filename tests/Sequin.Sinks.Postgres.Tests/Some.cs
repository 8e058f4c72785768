using Microsoft.Extensions.Configuration;
using Sequin.Messages;
using Sequin.Sinks;
using Sequin.Sinks.Testing;

namespace Sequin.Sinks.Postgres.Tests;

/// <summary>The PostgreSQL sink's test data, on the SDK's test kit (<see cref="SinkTestKit{TOptions}"/>).</summary>
internal static class Some
{
    public const string Path = SinkTestKit.Path;

    public static readonly SinkTestKit<PostgresSinkOptions> Kit = new(new PostgresSink());

    public static ConsumerInfo Consumer => Kit.Consumer;

    /// <summary><c>public.orders (id int4 key, name text)</c>.</summary>
    public static RelationInfo Orders => TestTable.Orders.Relation;

    /// <summary>
    /// <c>public.values_ (id int8 key, amount numeric(30,10), doc jsonb, tags text[], at timestamptz, raw bytea, label text)</c>:
    /// one column of each kind that must arrive exactly.
    /// </summary>
    public static readonly TestTable ValuesTable = new(
        "public",
        "values_",
        TestColumn.Key("id", PgTypeOids.Int8),
        new TestColumn("amount", PgTypeOids.Numeric, TypeModifier: ((30 << 16) | 10) + 4),
        new TestColumn("doc", PgTypeOids.Jsonb),
        new TestColumn("tags", 1009),
        new TestColumn("at", PgTypeOids.Timestamptz),
        new TestColumn("raw", PgTypeOids.Bytea),
        new TestColumn("label", PgTypeOids.Text));

    public static RelationInfo Values => ValuesTable.Relation;

    public static IConfiguration Config(params (string Key, string? Value)[] values) => SinkTestKit.Config(values);

    /// <summary>A change to <c>public.orders</c> row <paramref name="id"/>; a delete carries the key only.</summary>
    public static ChangeMessage Change(int id, ChangeAction action = ChangeAction.Insert, string? name = "widget", int commitIdx = 0, int? oldId = null)
    {
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var old = oldId is { } o ? TestTable.Orders.Row([o.ToString(System.Globalization.CultureInfo.InvariantCulture), null]) : null;
        return TestTable.Orders.Change(action, [key, action == ChangeAction.Delete ? null : name], commitIdx: commitIdx, oldRecord: old);
    }

    /// <summary>An update of <c>public.orders</c> row <paramref name="id"/> whose <c>name</c> was TOASTed and not sent.</summary>
    public static ChangeMessage UnchangedNameUpdate(int id) =>
        new(ChangeAction.Update, new RowImage(Orders, [ColumnValue.FromText(id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ColumnValue.UnchangedToast]), null, TestSource.Transaction(), 0, TestSource.Database);

    /// <summary>A change of <paramref name="relation"/> with the given texts (null: SQL NULL).</summary>
    public static ChangeMessage Row(RelationInfo relation, ChangeAction action, params string?[] texts) =>
        new(action, new RowImage(relation, [.. texts.Select(t => t is null ? ColumnValue.Null : ColumnValue.FromText(t))]), null, TestSource.Transaction(0x3000, 43), 0, TestSource.Database);

    /// <summary><paramref name="change"/> routed to <paramref name="table"/>.</summary>
    public static RoutedMessage Routed(ChangeMessage change, string table) => Kit.Routed(change, values: (PostgresSink.TableKey, table));

    /// <summary>A batch of <paramref name="changes"/>, all routed to <paramref name="table"/>.</summary>
    public static SinkBatch Batch(string table, params ChangeMessage[] changes) => new(table, [.. changes.Select(c => Routed(c, table))]);

    public static SinkContext Context(RoutingMode mode = RoutingMode.Dynamic) => Kit.Context(mode);
}
