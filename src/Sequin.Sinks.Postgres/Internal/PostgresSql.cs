using System.Text;

namespace Sequin.Sinks.Postgres.Internal;

/// <summary>
/// The statements the sink sends. Values always travel as text arrays, one per column, in PostgreSQL's own text form
/// (what the WAL and the backfill give), and are cast to the target column's type on the server: the type's own input
/// function parses them, so numerics keep every digit, and jsonb, arrays, timestamptz and bytea arrive as they were.
/// A batch of any size is one statement per kind, with as many parameters as columns.
/// </summary>
internal static class PostgresSql
{
    /// <summary>An identifier quoted for SQL (always quoted: names keep their case).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// <c>INSERT INTO t (cols) OVERRIDING SYSTEM VALUE SELECT c::type, … FROM unnest($1::text[], …) ON CONFLICT (keys) DO UPDATE SET c = EXCLUDED.c, …</c>
    /// (<c>DO NOTHING</c> when every column is a key column). Parameter <c>$n</c> is the text array of <paramref name="columns"/>[n-1].
    /// </summary>
    public static string Upsert(TargetTable table, IReadOnlyList<string> columns, IReadOnlyList<string> keyColumns)
    {
        var sql = new StringBuilder("INSERT INTO ").Append(table.Name.Sql).Append(" (");
        AppendList(sql, columns, (b, c, _) => b.Append(Quote(c)));
        // The source's values are the truth, an identity column's too (a table copied with its DDL has GENERATED ALWAYS).
        sql.Append(") OVERRIDING SYSTEM VALUE SELECT ");
        AppendList(sql, columns, (b, c, i) => b.Append("v.").Append(Quote("c" + i)).Append("::").Append(table.ColumnTypes[c]));
        sql.Append(" FROM unnest(");
        AppendList(sql, columns, (b, _, i) => b.Append('$').Append(i + 1).Append("::text[]"));
        sql.Append(") AS v(");
        AppendList(sql, columns, (b, _, i) => b.Append(Quote("c" + i)));
        sql.Append(") ON CONFLICT (");
        AppendList(sql, keyColumns, (b, c, _) => b.Append(Quote(c)));
        var updated = columns.Where(c => !keyColumns.Contains(c, StringComparer.Ordinal)).ToList();
        if (updated.Count == 0)
        {
            return sql.Append(") DO NOTHING").ToString();
        }

        sql.Append(") DO UPDATE SET ");
        AppendList(sql, updated, (b, c, _) => b.Append(Quote(c)).Append(" = EXCLUDED.").Append(Quote(c)));
        return sql.ToString();
    }

    /// <summary>
    /// <c>DELETE FROM t USING unnest($1::text[], …) AS d WHERE t.k = d.k::type AND …</c>; parameter <c>$n</c> is the text
    /// array of <paramref name="keyColumns"/>[n-1].
    /// </summary>
    public static string Delete(TargetTable table, IReadOnlyList<string> keyColumns)
    {
        var sql = new StringBuilder("DELETE FROM ").Append(table.Name.Sql).Append(" AS t USING unnest(");
        AppendList(sql, keyColumns, (b, _, i) => b.Append('$').Append(i + 1).Append("::text[]"));
        sql.Append(") AS d(");
        AppendList(sql, keyColumns, (b, _, i) => b.Append(Quote("k" + i)));
        sql.Append(") WHERE ");
        for (var i = 0; i < keyColumns.Count; i++)
        {
            if (i > 0)
            {
                sql.Append(" AND ");
            }

            sql.Append("t.").Append(Quote(keyColumns[i])).Append(" = d.").Append(Quote("k" + i)).Append("::").Append(table.ColumnTypes[keyColumns[i]]);
        }

        return sql.ToString();
    }

    /// <summary><c>TRUNCATE t</c>.</summary>
    public static string Truncate(TargetTableName table) => "TRUNCATE " + table.Sql;

    /// <summary>
    /// <c>CREATE SCHEMA IF NOT EXISTS s; CREATE TABLE IF NOT EXISTS s.t (c type, …, PRIMARY KEY (keys))</c>: the columns
    /// with the source's types (modifiers included, e.g. <c>numeric(12,2)</c>, <c>character varying(20)</c>).
    /// </summary>
    public static string CreateTable(TargetTableName table, IReadOnlyList<(string Name, string Type)> columns, IReadOnlyList<string> keyColumns)
    {
        var sql = new StringBuilder("CREATE SCHEMA IF NOT EXISTS ").Append(Quote(table.Schema)).Append("; CREATE TABLE IF NOT EXISTS ").Append(table.Sql).Append(" (");
        AppendList(sql, columns, (b, c, _) => b.Append(Quote(c.Name)).Append(' ').Append(c.Type));
        sql.Append(", PRIMARY KEY (");
        AppendList(sql, keyColumns, (b, c, _) => b.Append(Quote(c)));
        return sql.Append("))").ToString();
    }

    /// <summary>The catalog of a table: its columns with their types, and its primary key's columns (<c>$1</c>: the quoted name).</summary>
    public const string ReadCatalog = """
        SELECT a.attname, format_type(a.atttypid, NULL),
               COALESCE((SELECT k.n FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) WHERE k.attnum = a.attnum), 0)::int4
        FROM pg_attribute a
        LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
        WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
        """;

    /// <summary>
    /// The type of each source column as the target names it (<c>$1</c>: type OIDs, <c>$2</c>: modifiers): built-in
    /// types have the same OIDs everywhere; a user-defined type (OID 16384 and up) is null.
    /// </summary>
    public const string FormatTypes = """
        SELECT CASE WHEN t.o < 16384 AND EXISTS (SELECT 1 FROM pg_type WHERE oid = t.o) THEN format_type(t.o, NULLIF(t.m, -1)) END
        FROM unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS t(o, m, n) ORDER BY t.n
        """;

    private static void AppendList<T>(StringBuilder sql, IReadOnlyList<T> items, Action<StringBuilder, T, int> append)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sql.Append(", ");
            }

            append(sql, items[i], i);
        }
    }
}
