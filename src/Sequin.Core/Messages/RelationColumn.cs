namespace Sequin.Messages;

/// <summary>One column of a replicated table, as described by the WAL's Relation message.</summary>
/// <param name="Name">The column name.</param>
/// <param name="TypeOid">The PostgreSQL type OID of the column; decides how its text is cast to JSON.</param>
/// <param name="TypeModifier">The type modifier (e.g. varchar length), -1 when none.</param>
/// <param name="IsKey">Whether the column is part of the replica identity (by default the primary key).</param>
public sealed record RelationColumn(string Name, uint TypeOid, int TypeModifier, bool IsKey)
{
    /// <summary>
    /// For an array column, the element type OID; 0 when the column is not an array or its element type is a
    /// built-in one that <see cref="PgTypeOids.ElementTypeOf"/> knows.
    /// </summary>
    public uint ElementTypeOid { get; init; }
}
