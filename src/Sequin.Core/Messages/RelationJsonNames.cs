using System.Text.Json;

namespace Sequin.Messages;

/// <summary>A relation's names as JSON text, encoded once with the message writer's encoder.</summary>
internal sealed class RelationJsonNames
{
    private readonly JsonEncodedText[] _columns;

    /// <summary>Encodes the names of <paramref name="relation"/>.</summary>
    public RelationJsonNames(RelationInfo relation)
    {
        var encoder = MinimalJsonEncoder.Instance;
        Schema = JsonEncodedText.Encode(relation.Schema, encoder);
        Table = JsonEncodedText.Encode(relation.Table, encoder);
        _columns = [.. relation.Columns.Select(c => JsonEncodedText.Encode(c.Name, encoder))];
    }

    /// <summary>The schema name.</summary>
    public JsonEncodedText Schema { get; }

    /// <summary>The table name.</summary>
    public JsonEncodedText Table { get; }

    /// <summary>The name of the column at <paramref name="index"/>.</summary>
    public JsonEncodedText Column(int index) => _columns[index];
}
