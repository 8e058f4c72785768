namespace Sequin.Sinks.Testing;

/// <summary>A column of a <see cref="TestTable"/>: its name, its PostgreSQL type (<see cref="Sequin.Messages.PgTypeOids"/>) and whether it is part of the primary key.</summary>
/// <param name="Name">The column's name.</param>
/// <param name="TypeOid">The column's type, e.g. <see cref="Sequin.Messages.PgTypeOids.Int4"/>.</param>
/// <param name="IsKey">Whether the column is part of the table's primary key.</param>
/// <param name="TypeModifier">The type's modifier as PostgreSQL sends it (e.g. a numeric's precision and scale), -1 for none.</param>
public readonly record struct TestColumn(string Name, uint TypeOid, bool IsKey = false, int TypeModifier = -1)
{
    /// <summary>A primary key column.</summary>
    public static TestColumn Key(string name, uint typeOid) => new(name, typeOid, true);
}
