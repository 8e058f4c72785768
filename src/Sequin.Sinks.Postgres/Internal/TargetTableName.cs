namespace Sequin.Sinks.Postgres.Internal;

/// <summary>
/// A target table as the route names it: <c>name</c> (schema <c>public</c>) or <c>schema.name</c>, split at the dot. Both
/// parts are taken as written (case kept) and always quoted in SQL, so <c>Public.Orders</c> is a different table from
/// <c>public.orders</c>, as the source's own names are.
/// </summary>
internal readonly record struct TargetTableName(string Schema, string Table)
{
    /// <summary>Parses a validated route value.</summary>
    public static TargetTableName Parse(string route)
    {
        ArgumentException.ThrowIfNullOrEmpty(route);
        var dot = route.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? new TargetTableName("public", route) : new TargetTableName(route[..dot], route[(dot + 1)..]);
    }

    /// <summary>The quoted name for SQL: <c>"schema"."table"</c>.</summary>
    public string Sql => PostgresSql.Quote(Schema) + "." + PostgresSql.Quote(Table);

    /// <inheritdoc />
    public override string ToString() => Schema + "." + Table;
}
