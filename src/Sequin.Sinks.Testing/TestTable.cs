using System.Globalization;
using Sequin.Messages;

namespace Sequin.Sinks.Testing;

/// <summary>
/// A table of the source database and the changes Core reads from it, built without a database: the
/// <see cref="ChangeMessage"/>s a sink's delivery receives. Values are given in PostgreSQL's text form, as pgoutput sends
/// them (<c>"42"</c>, <c>"t"</c>, <c>"2025-03-01 10:00:00+00"</c>); null is SQL NULL.
/// </summary>
public sealed class TestTable
{
    /// <summary>Creates a table of <paramref name="columns"/> in <paramref name="schema"/>.</summary>
    /// <exception cref="ArgumentException">No column, or two of the same name.</exception>
    public TestTable(string schema, string name, params TestColumn[] columns)
    {
        ArgumentException.ThrowIfNullOrEmpty(schema);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Length == 0)
        {
            throw new ArgumentException("A table needs at least one column.", nameof(columns));
        }

        if (columns.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() != columns.Length)
        {
            throw new ArgumentException("Column names must be distinct.", nameof(columns));
        }

        Relation = new RelationInfo(
            StableOid(schema, name),
            schema,
            name,
            [.. columns.Select(c => new RelationColumn(c.Name, c.TypeOid, c.TypeModifier, c.IsKey))]);
    }

    /// <summary><c>public.orders (id int4 primary key, name text)</c>: the table of most examples.</summary>
    public static TestTable Orders { get; } = new("public", "orders", TestColumn.Key("id", PgTypeOids.Int4), new TestColumn("name", PgTypeOids.Text));

    /// <summary>The table as Core describes it to sinks.</summary>
    public RelationInfo Relation { get; }

    /// <summary>An insert of a row with <paramref name="values"/> (one per column, in order).</summary>
    public ChangeMessage Insert(params string?[] values) => Change(ChangeAction.Insert, values);

    /// <summary>An update to a row with <paramref name="values"/> (no old values: REPLICA IDENTITY DEFAULT).</summary>
    public ChangeMessage Update(params string?[] values) => Change(ChangeAction.Update, values);

    /// <summary>A delete of the row whose key columns are <paramref name="values"/> (other columns may be null).</summary>
    public ChangeMessage Delete(params string?[] values) => Change(ChangeAction.Delete, values);

    /// <summary>A row read by a backfill.</summary>
    public ChangeMessage Read(params string?[] values) => Change(ChangeAction.Read, values);

    /// <summary>
    /// A change of <paramref name="action"/> to the row <paramref name="values"/>, in <paramref name="transaction"/>
    /// (default: <see cref="TestSource.Transaction"/>) at <paramref name="commitIdx"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Not one value per column.</exception>
    public ChangeMessage Change(ChangeAction action, IReadOnlyList<string?> values, TransactionInfo? transaction = null, int commitIdx = 0, RowImage? oldRecord = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != Relation.Columns.Count)
        {
            throw new ArgumentException($"{Relation.Schema}.{Relation.Table} has {Relation.Columns.Count} columns; {values.Count} values were given.", nameof(values));
        }

        return new ChangeMessage(action, Row(values), oldRecord, transaction ?? TestSource.Transaction(), commitIdx, TestSource.Database);
    }

    /// <summary>A row image of <paramref name="values"/> (one per column, in order).</summary>
    public RowImage Row(IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new RowImage(Relation, [.. values.Select(v => v is null ? ColumnValue.Null : ColumnValue.FromText(v))]);
    }

    // A user table's oid (16384 and up), the same for the same name in every run.
    private static uint StableOid(string schema, string name)
    {
        var hash = 2166136261u;
        foreach (var c in schema + "." + name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return 16384 + (hash % 1_000_000);
    }

    /// <summary>An insert into <see cref="Orders"/> of row (<paramref name="id"/>, <paramref name="name"/>).</summary>
    public static ChangeMessage Order(int id, string name = "widget", ChangeAction action = ChangeAction.Insert, int commitIdx = 0) =>
        Orders.Change(action, [id.ToString(CultureInfo.InvariantCulture), name], commitIdx: commitIdx);
}
