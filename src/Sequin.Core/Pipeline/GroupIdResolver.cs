using System.Collections.Concurrent;
using Sequin.Messages;

namespace Sequin.Pipeline;

/// <summary>
/// Computes a message's ordering group id (<c>metadata.group_id</c> and the key of per-row ordering): the primary key values joined by <c>:</c>; with
/// configured grouping columns for the table, those columns' values joined by <c>:</c> (nulls skipped); null when
/// <c>message_grouping</c> is off or the result is empty. A truncate gets the table's qualified name, so that it has
/// its own group per table (the runtime keeps it apart from row groups).
/// </summary>
internal sealed class GroupIdResolver
{
    private readonly bool _grouping;
    private readonly Dictionary<string, IReadOnlyList<string>> _groupColumns;
    private readonly ConcurrentDictionary<RelationInfo, int[]?> _columnIndexes = new();
    private readonly Func<RelationInfo, int[]?> _columnIndexesOf;

    /// <summary>Creates a resolver from a consumer's settings.</summary>
    public GroupIdResolver(SinkConsumerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _grouping = settings.MessageGrouping;
        _columnIndexesOf = ColumnIndexesOf; // one delegate, not one per message
        _groupColumns = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (table, columns) in settings.GroupColumns)
        {
            _groupColumns[SourceFilter.Qualify(table)] = columns;
        }
    }

    /// <summary>The group id of <paramref name="message"/>, or null for no group.</summary>
    public string? Resolve(ChangeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_grouping)
        {
            return null;
        }

        if (message.Action == ChangeAction.Truncate)
        {
            return message.Relation.QualifiedName;
        }

        var indexes = _groupColumns.Count == 0 ? null : _columnIndexes.GetOrAdd(message.Relation, _columnIndexesOf);
        var id = indexes is null ? ChangeMessageJsonWriter.PrimaryKeyGroupId(message) : Join(message.Record, indexes);
        return string.IsNullOrEmpty(id) ? null : id;
    }

    private static string? Join(RowImage row, int[] indexes)
    {
        string? single = null;
        List<string>? parts = null;
        foreach (var i in indexes)
        {
            if (i < 0 || row[i].Text is not { } text)
            {
                continue;
            }

            if (single is null && parts is null)
            {
                single = text;
            }
            else
            {
                parts ??= [single!];
                parts.Add(text);
            }
        }

        return parts is null ? single : string.Join(':', parts);
    }

    private int[]? ColumnIndexesOf(RelationInfo relation) =>
        _groupColumns.TryGetValue(relation.QualifiedName, out var columns)
            ? columns.Select(relation.IndexOf).ToArray()
            : null;
}
