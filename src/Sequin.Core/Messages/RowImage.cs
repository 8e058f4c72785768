namespace Sequin.Messages;

/// <summary>
/// An immutable row: the relation it belongs to and one <see cref="ColumnValue"/> per column, in the relation's order.
/// Values keep PostgreSQL's text form; <see cref="ChangeMessageJsonWriter"/> casts them to JSON by type.
/// </summary>
public sealed class RowImage
{
    private readonly ColumnValue[] _values;

    /// <summary>Creates a row image. The array is owned by the image afterwards; do not change it.</summary>
    /// <exception cref="ArgumentException">The number of values differs from the relation's column count.</exception>
    public RowImage(RelationInfo relation, ColumnValue[] values)
    {
        ArgumentNullException.ThrowIfNull(relation);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != relation.Columns.Count)
        {
            throw new ArgumentException(
                $"Row has {values.Length} values but {relation.QualifiedName} has {relation.Columns.Count} columns.",
                nameof(values));
        }

        Relation = relation;
        _values = values;
    }

    /// <summary>The relation the row belongs to.</summary>
    public RelationInfo Relation { get; }

    /// <summary>The number of columns.</summary>
    public int Count => _values.Length;

    /// <summary>The value of the column at <paramref name="index"/>.</summary>
    public ColumnValue this[int index] => _values[index];

    /// <summary>The values, in column order.</summary>
    public ReadOnlySpan<ColumnValue> Values => _values;

    /// <summary>Finds a column's value by name.</summary>
    public bool TryGetValue(string column, out ColumnValue value)
    {
        var i = Relation.IndexOf(column);
        if (i < 0)
        {
            value = default;
            return false;
        }

        value = _values[i];
        return true;
    }

    /// <summary>An approximate in-memory size in bytes, used for buffer accounting.</summary>
    public int EstimateSize()
    {
        var size = 32 + (_values.Length * 16);
        foreach (var v in _values)
        {
            size += v.TextSize;
        }

        return size;
    }
}
