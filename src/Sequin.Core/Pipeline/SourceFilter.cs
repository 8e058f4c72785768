using System.Collections.Concurrent;
using Sequin.Messages;

namespace Sequin.Pipeline;

/// <summary>
/// The source filter of a consumer: included/excluded schemas and tables and the accepted actions. A read (backfill)
/// always passes the action check, as in the original; truncate passes only when listed.
/// </summary>
internal sealed class SourceFilter
{
    private readonly HashSet<string> _includeSchemas;
    private readonly HashSet<string> _excludeSchemas;
    private readonly HashSet<string> _includeTables;
    private readonly HashSet<string> _excludeTables;
    private readonly IReadOnlySet<ChangeAction> _actions;
    private readonly ConcurrentDictionary<RelationInfo, bool> _tableMatches = new();
    private readonly Func<RelationInfo, bool> _matchesTable;

    /// <summary>Creates the filter of a consumer's settings.</summary>
    public SourceFilter(SinkConsumerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _includeSchemas = new HashSet<string>(settings.IncludeSchemas, StringComparer.Ordinal);
        _excludeSchemas = new HashSet<string>(settings.ExcludeSchemas, StringComparer.Ordinal);
        _includeTables = new HashSet<string>(settings.IncludeTables.Select(Qualify), StringComparer.Ordinal);
        _excludeTables = new HashSet<string>(settings.ExcludeTables.Select(Qualify), StringComparer.Ordinal);
        _actions = settings.Actions;
        _matchesTable = MatchesTable; // one delegate, not one per message
    }

    /// <summary><c>schema.table</c> for a configured table name; a bare name means <c>public</c>.</summary>
    public static string Qualify(string table)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        return table.Contains('.', StringComparison.Ordinal) ? table : "public." + table;
    }

    /// <summary>Whether the consumer takes <paramref name="message"/>.</summary>
    public bool Matches(ChangeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Action != ChangeAction.Read && !_actions.Contains(message.Action))
        {
            return false;
        }

        return _tableMatches.GetOrAdd(message.Relation, _matchesTable);
    }

    /// <summary>Whether the consumer takes changes of <paramref name="action"/> to <paramref name="relation"/>.</summary>
    public bool Matches(RelationInfo relation, ChangeAction action)
    {
        ArgumentNullException.ThrowIfNull(relation);
        if (action != ChangeAction.Read && !_actions.Contains(action))
        {
            return false;
        }

        return _tableMatches.GetOrAdd(relation, _matchesTable);
    }

    /// <summary>Whether the consumer takes rows of table <paramref name="schema"/>.<paramref name="table"/> (whatever their action).</summary>
    public bool TakesTable(string schema, string table) => MatchesTable(schema, schema + "." + table);

    private bool MatchesTable(RelationInfo relation) => MatchesTable(relation.Schema, relation.QualifiedName);

    private bool MatchesTable(string schema, string qualifiedName)
    {
        // Sequin's own state (parked and discarded messages) is never a source, even in a publication FOR ALL TABLES:
        // delivering it would feed parking back into itself.
        if (schema == Parking.PostgresParkingStore.Schema)
        {
            return false;
        }

        if (_includeSchemas.Count > 0 && !_includeSchemas.Contains(schema))
        {
            return false;
        }

        if (_excludeSchemas.Contains(schema))
        {
            return false;
        }

        if (_includeTables.Count > 0 && !_includeTables.Contains(qualifiedName))
        {
            return false;
        }

        return !_excludeTables.Contains(qualifiedName);
    }
}
