namespace Sequin.Sinks.Postgres.Internal;

/// <summary>
/// What the target's catalog says about a table: each column's type (as <c>format_type</c> writes it, without a type
/// modifier, for the casts of the text values: the column's own modifier then applies on assignment, so an over-long
/// <c>varchar</c> fails instead of being cut) and the primary key's columns in key order.
/// </summary>
internal sealed class TargetTable
{
    public TargetTable(TargetTableName name, IReadOnlyDictionary<string, string> columnTypes, IReadOnlyList<string> primaryKey)
    {
        Name = name;
        ColumnTypes = columnTypes;
        PrimaryKey = primaryKey;
    }

    public TargetTableName Name { get; }

    /// <summary>Column name → type (e.g. <c>numeric</c>, <c>jsonb</c>, <c>integer[]</c>, <c>timestamp with time zone</c>).</summary>
    public IReadOnlyDictionary<string, string> ColumnTypes { get; }

    /// <summary>The primary key's columns; empty when the table has none.</summary>
    public IReadOnlyList<string> PrimaryKey { get; }
}
