namespace Sequin.Messages;

/// <summary>
/// A replicated table: its OID, schema, name and columns. One instance per Relation message; a schema change
/// produces a new instance, and messages keep the instance that was current when they were decoded.
/// </summary>
public sealed class RelationInfo
{
    private readonly Dictionary<string, int> _columnIndex;
    private RelationJsonNames? _jsonNames;

    /// <summary>Creates a relation description.</summary>
    /// <param name="oid">The table OID.</param>
    /// <param name="schema">The schema (namespace) name.</param>
    /// <param name="table">The table name.</param>
    /// <param name="columns">The columns in table order.</param>
    /// <exception cref="ArgumentException">A name is blank.</exception>
    public RelationInfo(uint oid, string schema, string table, IReadOnlyList<RelationColumn> columns)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schema);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        ArgumentNullException.ThrowIfNull(columns);
        Oid = oid;
        Schema = schema;
        Table = table;
        Columns = columns;
        QualifiedName = schema + "." + table;
        _columnIndex = new Dictionary<string, int>(columns.Count, StringComparer.Ordinal);
        var keys = new List<int>();
        for (var i = 0; i < columns.Count; i++)
        {
            _columnIndex[columns[i].Name] = i;
            if (columns[i].IsKey)
            {
                keys.Add(i);
            }
        }

        KeyColumnIndexes = keys.ToArray();
    }

    /// <summary>The table OID.</summary>
    public uint Oid { get; }

    /// <summary>The schema name, e.g. <c>public</c>.</summary>
    public string Schema { get; }

    /// <summary>The table name.</summary>
    public string Table { get; }

    /// <summary><c>schema.table</c>.</summary>
    public string QualifiedName { get; }

    /// <summary>The columns, in table order.</summary>
    public IReadOnlyList<RelationColumn> Columns { get; }

    /// <summary>Indexes into <see cref="Columns"/> of the replica identity (primary key) columns, in table order.</summary>
    public IReadOnlyList<int> KeyColumnIndexes { get; }

    /// <summary>Returns the index of a column by name, or -1.</summary>
    public int IndexOf(string columnName) => _columnIndex.TryGetValue(columnName, out var i) ? i : -1;

    /// <summary>The schema, table and column names as JSON text, encoded on first use (every message writes them).</summary>
    internal RelationJsonNames JsonNames => _jsonNames ??= new RelationJsonNames(this);
}
