using Sequin.Messages;
using Sequin.Pipeline;

namespace Sequin.Configuration;

/// <summary>
/// Reads what a sink takes from the database: <c>source</c> (schemas and tables) or the original's one-table
/// <c>table</c> and one-schema <c>schema</c>, <c>actions</c>, <c>tables</c> (grouping columns) and <c>message_grouping</c>.
/// </summary>
internal static class SinkSourceReader
{
    /// <summary>The actions a sink may list; backfill reads always pass.</summary>
    private static readonly ChangeAction[] ListedActions = [ChangeAction.Insert, ChangeAction.Update, ChangeAction.Delete, ChangeAction.Truncate];

    public static Func<SinkConsumerSettings, SinkConsumerSettings> Read(ConfigMap sink)
    {
        var source = ReadSource(sink);
        var actions = ReadActions(sink);
        var groupColumns = ReadTables(sink);
        var messageGrouping = sink.Boolean("message_grouping") ?? true;
        if (!messageGrouping && groupColumns.Count > 0)
        {
            sink.Error("message_grouping", "message_grouping: false cannot be combined with group_column_names in tables.");
        }

        return settings => settings with
        {
            IncludeSchemas = (IReadOnlyList<string>?)source.IncludeSchemas ?? settings.IncludeSchemas,
            ExcludeSchemas = (IReadOnlyList<string>?)source.ExcludeSchemas ?? settings.ExcludeSchemas,
            IncludeTables = (IReadOnlyList<string>?)source.IncludeTables ?? settings.IncludeTables,
            ExcludeTables = (IReadOnlyList<string>?)source.ExcludeTables ?? settings.ExcludeTables,
            Actions = actions ?? settings.Actions,
            GroupColumns = groupColumns,
            MessageGrouping = messageGrouping,
        };
    }

    /// <summary>A table name as <c>schema.table</c>; a bare name means <c>public</c>.</summary>
    public static string QualifyTable(string table) => table.Contains('.', StringComparison.Ordinal) ? table : "public." + table;

    private static (List<string>? IncludeSchemas, List<string>? ExcludeSchemas, List<string>? IncludeTables, List<string>? ExcludeTables) ReadSource(ConfigMap sink)
    {
        // The original's older one-table and one-schema forms: table: public.users, schema: public.
        var table = sink.String("table")?.Trim();
        var schema = sink.String("schema")?.Trim();
        var source = sink.Map("source");
        if (table is not null || schema is not null)
        {
            var key = table is not null ? "table" : "schema";
            if (source is not null || (table is not null && schema is not null))
            {
                sink.Error(key, "Give either table, schema or source, not more than one.");
            }

            return (schema is null ? null : [schema], null, table is null ? null : [QualifyTable(table)], null);
        }

        if (source is null)
        {
            return default;
        }

        var includeSchemas = source.StringList("include_schemas", nonEmpty: true);
        var excludeSchemas = source.StringList("exclude_schemas", nonEmpty: true);
        var includeTables = source.StringList("include_tables", nonEmpty: true)?.Select(QualifyTable).ToList();
        var excludeTables = source.StringList("exclude_tables", nonEmpty: true)?.Select(QualifyTable).ToList();
        source.RejectUnknown();
        if (includeSchemas is not null && excludeSchemas is not null)
        {
            source.Error("exclude_schemas", "include_schemas and exclude_schemas cannot both be set.");
        }

        if (includeTables is not null && excludeTables is not null)
        {
            source.Error("exclude_tables", "include_tables and exclude_tables cannot both be set.");
        }

        return (includeSchemas, excludeSchemas, includeTables, excludeTables);
    }

    private static HashSet<ChangeAction>? ReadActions(ConfigMap sink)
    {
        var names = sink.StringList("actions");
        if (names is null)
        {
            return null;
        }

        if (names.Count == 0)
        {
            sink.Error("actions", $"Must list at least one of {ConfigEnum.List(ListedActions)}.");
        }

        var actions = new HashSet<ChangeAction> { ChangeAction.Read };
        for (var i = 0; i < names.Count; i++)
        {
            if (ConfigEnum.TryParse(names[i], ListedActions, out var action))
            {
                actions.Add(action);
            }
            else
            {
                sink.Reader.Error(ConfigReader.Item(sink.PathOf("actions"), i), $"Must be one of {ConfigEnum.List(ListedActions)} (got '{names[i]}').");
            }
        }

        return actions;
    }

    /// <summary>
    /// <c>tables</c>: each entry's <c>group_column_names</c>. An entry without them keeps the table's default grouping
    /// (its primary key), as in the original, where only group columns conflict with <c>message_grouping: false</c>.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<string>> ReadTables(ConfigMap sink)
    {
        var groupColumns = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var items = sink.List("tables");
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            if (ConfigMap.Item(sink.Reader, items![i], ConfigReader.Item(sink.PathOf("tables"), i)) is not { } table)
            {
                continue;
            }

            var name = table.String("name", required: true);
            var columns = table.StringList("group_column_names", nonEmpty: true);
            table.RejectUnknown();
            if (name is null)
            {
                continue;
            }

            if (!names.Add(QualifyTable(name)))
            {
                table.Error("name", $"Table '{QualifyTable(name)}' is listed twice.");
            }
            else if (columns is { Count: > 0 })
            {
                groupColumns[QualifyTable(name)] = columns;
            }
        }

        return groupColumns;
    }
}
