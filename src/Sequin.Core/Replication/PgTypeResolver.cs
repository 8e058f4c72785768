using Npgsql;
using Sequin.Messages;

namespace Sequin.Replication;

/// <summary>
/// Resolves column types the JSON conversion does not know by OID: element types of arrays of non-built-in types
/// (enum arrays, domain arrays, ...) and base types of domains. One query per batch of unknown OIDs; results are
/// cached (a type OID's definition never changes).
/// </summary>
internal sealed class PgTypeResolver
{
    private readonly Dictionary<uint, ResolvedType> _cache = [];

    /// <summary>The OID to cast a column's text by, and for arrays the element type OID (0 when not needed).</summary>
    internal readonly record struct ResolvedType(uint CastTypeOid, uint ElementTypeOid);

    /// <summary>Whether the JSON conversion knows <paramref name="typeOid"/> without a lookup.</summary>
    public static bool IsKnown(uint typeOid) => typeOid < 10000 && (IsScalar(typeOid) || PgTypeOids.ElementTypeOf(typeOid) != 0);

    /// <summary>Resolves <paramref name="typeOids"/> not known or cached, querying pg_type on <paramref name="connection"/>.</summary>
    public async Task ResolveAsync(NpgsqlConnection connection, IReadOnlyCollection<uint> typeOids, CancellationToken cancellationToken)
    {
        var pending = typeOids.Where(o => !IsKnown(o) && !_cache.ContainsKey(o)).Distinct().ToList();
        var raw = new Dictionary<uint, (char TypType, uint Elem, uint BaseType, char Category)>();
        for (var round = 0; pending.Count > 0 && round < 8; round++)
        {
            var command = new NpgsqlCommand(
                "SELECT oid, typtype, typelem, typbasetype, typcategory FROM pg_catalog.pg_type WHERE oid = ANY(@oids)", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.AddWithValue("oids", pending.Select(o => (long)o).ToArray());
            var next = new List<uint>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var oid = reader.GetFieldValue<uint>(0);
                    var entry = (reader.GetChar(1), reader.GetFieldValue<uint>(2), reader.GetFieldValue<uint>(3), reader.GetChar(4));
                    raw[oid] = entry;
                    foreach (var dependency in new[] { entry.Item2, entry.Item3 })
                    {
                        if (dependency != 0 && !IsKnown(dependency) && !_cache.ContainsKey(dependency) && !raw.ContainsKey(dependency))
                        {
                            next.Add(dependency);
                        }
                    }
                }
            }

            pending = next;
        }

        foreach (var oid in raw.Keys)
        {
            _cache[oid] = Resolve(oid, raw, 0);
        }
    }

    /// <summary>Returns the resolution of a type (the type itself when unknown and unresolved).</summary>
    public ResolvedType Get(uint typeOid)
    {
        if (IsKnown(typeOid))
        {
            return new ResolvedType(typeOid, 0);
        }

        return _cache.TryGetValue(typeOid, out var resolved) ? resolved : new ResolvedType(typeOid, 0);
    }

    private ResolvedType Resolve(uint oid, Dictionary<uint, (char TypType, uint Elem, uint BaseType, char Category)> raw, int depth)
    {
        if (IsKnown(oid) || depth > 8)
        {
            return new ResolvedType(oid, 0);
        }

        if (_cache.TryGetValue(oid, out var cached))
        {
            return cached;
        }

        if (!raw.TryGetValue(oid, out var t))
        {
            return new ResolvedType(oid, 0);
        }

        if (t.TypType == 'd' && t.BaseType != 0)
        {
            // A domain casts like its base type.
            return Resolve(t.BaseType, raw, depth + 1);
        }

        if (t.Category == 'A' && t.Elem != 0)
        {
            // An array: keep its own OID (the conversion sees an array) and give the element's cast type.
            var element = Resolve(t.Elem, raw, depth + 1);
            return new ResolvedType(oid, element.CastTypeOid);
        }

        return new ResolvedType(oid, 0);
    }

    private static bool IsScalar(uint oid) => oid switch
    {
        PgTypeOids.Bool or PgTypeOids.Bytea or PgTypeOids.Char or PgTypeOids.Name or PgTypeOids.Int8 or PgTypeOids.Int2
            or PgTypeOids.Int4 or PgTypeOids.Text or PgTypeOids.Oid or PgTypeOids.Json or PgTypeOids.Float4
            or PgTypeOids.Float8 or PgTypeOids.Money or PgTypeOids.Bpchar or PgTypeOids.Varchar or PgTypeOids.Date
            or PgTypeOids.Time or PgTypeOids.Timestamp or PgTypeOids.Timestamptz or PgTypeOids.Interval
            or PgTypeOids.Timetz or PgTypeOids.Numeric or PgTypeOids.Uuid or PgTypeOids.Jsonb => true,
        _ => false,
    };
}
