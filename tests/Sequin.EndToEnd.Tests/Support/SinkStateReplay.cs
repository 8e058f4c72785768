using Npgsql;
using Sequin.Messages;

namespace Sequin.EndToEnd.Tests.Support;

/// <summary>
/// What a sink that applies messages in order per key ends up holding: insert, update and read set the row (its columns
/// as text, joined), delete removes it. Also finds reads that arrived after a newer change of their row.
/// </summary>
public static class SinkStateReplay
{
    /// <summary>The key of a message: its primary key columns' text.</summary>
    public static string KeyOf(ChangeMessage message) => string.Join(",", message.GetRecordPks());

    /// <summary>Applies <paramref name="messages"/> in order; <paramref name="columns"/> are the columns kept per row.</summary>
    public static Dictionary<string, string> Apply(IEnumerable<ChangeMessage> messages, params string[] columns)
    {
        var state = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in messages)
        {
            var key = KeyOf(m);
            if (m.Action == ChangeAction.Delete)
            {
                state.Remove(key);
            }
            else
            {
                state[key] = string.Join("|", columns.Select(c => m.Record.TryGetValue(c, out var v) ? v.Text ?? "NULL" : "?"));
            }
        }

        return state;
    }

    /// <summary>The table's rows keyed like <see cref="Apply"/>; <paramref name="keySql"/> selects the key text, <paramref name="columns"/> the kept columns.</summary>
    public static async Task<Dictionary<string, string>> ReadTableAsync(NpgsqlDataSource dataSource, string table, string keySql, params string[] columns)
    {
        var state = new Dictionary<string, string>(StringComparer.Ordinal);
        var select = string.Join(" || '|' || ", columns.Select(c => $"coalesce({c}::text, 'NULL')"));
        await using var command = dataSource.CreateCommand($"SELECT {keySql}, {select} FROM {table}");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            state[reader.GetString(0)] = reader.GetString(1);
        }

        return state;
    }

    /// <summary>The reads delivered after a change of the same row committed later than the read's watermark: none may exist.</summary>
    public static List<string> StaleReads(IEnumerable<ChangeMessage> messages)
    {
        var newest = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var stale = new List<string>();
        foreach (var m in messages)
        {
            var key = KeyOf(m);
            var seen = newest.GetValueOrDefault(key);
            if (m.Action == ChangeAction.Read && seen > m.CommitLsn)
            {
                stale.Add($"read of {key} at {m.CommitLsn} after a change at {seen}");
            }

            newest[key] = Math.Max(seen, m.CommitLsn);
        }

        return stale;
    }

    /// <summary>Describes how two states differ (the first few keys).</summary>
    public static string Diff(Dictionary<string, string> expected, Dictionary<string, string> actual)
    {
        var missing = expected.Keys.Where(k => !actual.ContainsKey(k)).Take(5).ToList();
        var extra = actual.Keys.Where(k => !expected.ContainsKey(k)).Take(5).ToList();
        var different = expected.Where(e => actual.TryGetValue(e.Key, out var a) && a != e.Value).Take(5).Select(e => $"{e.Key}: table {e.Value}, sink {actual[e.Key]}").ToList();
        return $"table {expected.Count} rows, sink {actual.Count}; missing [{string.Join(", ", missing)}], extra [{string.Join(", ", extra)}], different [{string.Join("; ", different)}]";
    }
}
