using Sequin.Backfills;

namespace Sequin.Configuration;

/// <summary>
/// Reads a sink's <c>initial_backfill</c>, as in the original: <c>true</c> (every table the sink takes, in full),
/// <c>false</c>, or a list of <c>{table, type: full|partial, sort_column, start_position}</c>.
/// </summary>
internal static class InitialBackfillReader
{
    /// <summary>The key.</summary>
    public const string Key = "initial_backfill";

    /// <summary>Reads the key; null when absent or false. Mistakes are reported with their path.</summary>
    public static InitialBackfill? Read(ConfigMap sink)
    {
        var section = sink.Section.GetSection(Key);
        if (section.Value is not null && !section.GetChildren().Any() && section.Value.Length > 0)
        {
            return sink.Boolean(Key) == true ? new InitialBackfill(true, []) : null;
        }

        var items = sink.List(Key);
        if (items is null)
        {
            return null;
        }

        var path = sink.PathOf(Key);
        var tables = new List<BackfillRequest>();
        for (var i = 0; i < items.Count; i++)
        {
            if (ConfigMap.Item(sink.Reader, items[i], ConfigReader.Item(path, i)) is { } item && ReadTable(item) is { } request)
            {
                tables.Add(request);
            }
        }

        return tables.Count == 0 ? null : new InitialBackfill(false, tables);
    }

    private static BackfillRequest? ReadTable(ConfigMap item)
    {
        var table = item.String("table", required: true);
        var kind = item.Enum<BackfillKind>("type") ?? BackfillKind.Full;
        var sortColumn = item.String("sort_column");
        var start = item.String("start_position");
        item.RejectUnknown();
        if (kind == BackfillKind.Partial)
        {
            if (sortColumn is null)
            {
                item.Error("sort_column", "Required for a partial backfill: the column whose order the backfill follows.");
            }

            if (start is null)
            {
                item.Error("start_position", "Required for a partial backfill: the sort column value to start at.");
            }
        }
        else if (sortColumn is not null || start is not null)
        {
            item.Error(sortColumn is not null ? "sort_column" : "start_position", "Only for type: partial (a full backfill reads the whole table in primary key order).");
            return null;
        }

        return table is null || (kind == BackfillKind.Partial && (sortColumn is null || start is null))
            ? null
            : new BackfillRequest(table, kind, sortColumn, start);
    }
}
