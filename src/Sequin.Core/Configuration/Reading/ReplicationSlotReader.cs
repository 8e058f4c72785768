using System.Text.RegularExpressions;

namespace Sequin.Configuration;

/// <summary>Reads a database's <c>slot</c> or <c>publication</c>: <c>name</c>, <c>create_if_not_exists</c> and, for the publication, <c>init_sql</c>.</summary>
internal static partial class ReplicationSlotReader
{
    public static (string Name, bool Create, string? InitSql)? Read(ConfigMap database, string key, bool isSlot)
    {
        var map = database.Map(key, required: true);
        if (map is null)
        {
            return null;
        }

        var name = map.String("name", required: true);
        var create = map.Boolean("create_if_not_exists") ?? false;
        var initSql = isSlot ? null : map.String("init_sql")?.Trim();
        map.RejectUnknown();
        if (name is null)
        {
            return null;
        }

        if (isSlot && !SlotNamePattern().IsMatch(name))
        {
            map.Error("name", $"A slot name has 1 to 63 lower-case letters, digits and underscores (got '{name}').");
            return null;
        }

        if (!isSlot && name.Length > 63)
        {
            map.Error("name", $"Must be at most 63 characters (got {name.Length}).");
            return null;
        }

        if (initSql is not null && !create)
        {
            map.Warning("init_sql", "Ignored unless create_if_not_exists is true (it only runs to create a missing publication).");
        }

        return (name, create, initSql);
    }

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex SlotNamePattern();
}
