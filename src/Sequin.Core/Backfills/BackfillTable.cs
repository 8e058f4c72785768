using System.Text;
using Npgsql;
using NpgsqlTypes;
using Sequin.Messages;
using Sequin.Replication;

namespace Sequin.Backfills;

/// <summary>
/// A table as a backfill reads it: its columns (as the replication stream describes them: no generated columns, types
/// resolved for JSON, primary key flagged), the keyset columns (the sort column of a partial backfill, then the primary
/// key in index order) and their SQL type names, used to cast a cursor's text back.
/// </summary>
internal sealed class BackfillTable
{
    /// <summary>Creates a description from its parts (<see cref="LoadAsync"/> reads them from the catalog).</summary>
    internal BackfillTable(RelationInfo relation, int[] keysetIndexes, string[] keysetTypes, int[] primaryKeyIndexes)
    {
        Relation = relation;
        KeysetIndexes = keysetIndexes;
        KeysetTypes = keysetTypes;
        PrimaryKeyIndexes = primaryKeyIndexes;
        PrimaryKeyNames = [.. primaryKeyIndexes.Select(i => relation.Columns[i].Name)];
    }

    /// <summary>The relation read rows belong to.</summary>
    public RelationInfo Relation { get; }

    /// <summary>Column indexes of the keyset: the sort column (partial backfills) then the primary key columns.</summary>
    public IReadOnlyList<int> KeysetIndexes { get; }

    /// <summary>The SQL type (<c>format_type</c>) of each keyset column.</summary>
    public IReadOnlyList<string> KeysetTypes { get; }

    /// <summary>Column indexes of the primary key, in index order.</summary>
    public IReadOnlyList<int> PrimaryKeyIndexes { get; }

    /// <summary>Column names of the primary key, in index order.</summary>
    public IReadOnlyList<string> PrimaryKeyNames { get; }

    /// <summary>Quotes an identifier for SQL.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Reads the table's description from the catalog.</summary>
    /// <exception cref="InvalidOperationException">The table does not exist, has no primary key, or the sort column does not exist.</exception>
    public static async Task<BackfillTable> LoadAsync(NpgsqlConnection connection, BackfillRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = request.QualifiedTable;
        uint oid;
        string schema;
        string table;
        var find = new NpgsqlCommand(
            "select c.oid, n.nspname, c.relname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.oid = pg_catalog.to_regclass(@name)",
            connection);
        await using (find.ConfigureAwait(false))
        {
            find.Parameters.AddWithValue("name", name);
            var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new BackfillFailedException($"Table '{name}' does not exist.");
                }

                (oid, schema, table) = (reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2));
            }
        }

        var columns = new List<(string Name, uint Type, int Modifier, string TypeName, int KeyOrder)>();
        var describe = new NpgsqlCommand(
            """
            select a.attname, a.atttypid, a.atttypmod, pg_catalog.format_type(a.atttypid, a.atttypmod),
                   coalesce((select k.ord from pg_catalog.unnest(i.indkey) with ordinality k(attnum, ord) where k.attnum = a.attnum), 0)::int
            from pg_catalog.pg_attribute a
            left join pg_catalog.pg_index i on i.indrelid = a.attrelid and i.indisprimary
            where a.attrelid = @oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
            order by a.attnum
            """,
            connection);
        await using (describe.ConfigureAwait(false))
        {
            describe.Parameters.AddWithValue("oid", NpgsqlDbType.Oid, oid);
            var reader = await describe.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    columns.Add((reader.GetString(0), reader.GetFieldValue<uint>(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt32(4)));
                }
            }
        }

        var types = new PgTypeResolver();
        await types.ResolveAsync(connection, columns.Select(c => c.Type).ToList(), cancellationToken).ConfigureAwait(false);
        var relationColumns = columns.Select(c =>
        {
            var resolved = types.Get(c.Type);
            return new RelationColumn(c.Name, resolved.CastTypeOid, c.Modifier, c.KeyOrder > 0) { ElementTypeOid = resolved.ElementTypeOid };
        }).ToList();
        var relation = new RelationInfo(oid, schema, table, relationColumns);
        var primaryKey = columns.Select((c, i) => (c.KeyOrder, i)).Where(k => k.KeyOrder > 0).OrderBy(k => k.KeyOrder).Select(k => k.i).ToArray();
        if (primaryKey.Length == 0)
        {
            throw new BackfillFailedException($"Table '{relation.QualifiedName}' has no primary key: a backfill pages by primary key.");
        }

        var keyset = new List<int>();
        if (request.Kind == BackfillKind.Partial)
        {
            var sort = relation.IndexOf(request.SortColumn!);
            if (sort < 0)
            {
                throw new BackfillFailedException($"Table '{relation.QualifiedName}' has no column '{request.SortColumn}' (the backfill's sort_column).");
            }

            keyset.Add(sort);
        }

        keyset.AddRange(primaryKey.Where(k => !keyset.Contains(k)));
        return new BackfillTable(relation, [.. keyset], [.. keyset.Select(k => columns[k].TypeName)], primaryKey);
    }

    /// <summary>
    /// The primary key of <paramref name="row"/> (any image with this table's column names) as one string, or null when a
    /// key column is missing: the key's text for a one-column key, else each part followed by <c>\0</c>.
    /// </summary>
    public string? KeyOf(RowImage row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var same = ReferenceEquals(row.Relation, Relation);
        var count = PrimaryKeyIndexes.Count;
        if (count == 1)
        {
            // The common case, once per read row and per change during a backfill: no new string.
            return KeyPart(row, 0, same);
        }

        var parts = new string[count];
        var length = 0;
        for (var k = 0; k < count; k++)
        {
            if (KeyPart(row, k, same) is not { } text)
            {
                return null;
            }

            parts[k] = text;
            length += text.Length + 1;
        }

        return string.Create(length, parts, static (span, parts) =>
        {
            foreach (var part in parts)
            {
                part.AsSpan().CopyTo(span);
                span[part.Length] = '\0';
                span = span[(part.Length + 1)..];
            }
        });
    }

    private string? KeyPart(RowImage row, int k, bool sameRelation)
    {
        if (sameRelation)
        {
            return row[PrimaryKeyIndexes[k]].Text;
        }

        return row.TryGetValue(PrimaryKeyNames[k], out var value) ? value.Text : null;
    }
}
