using System.Text.RegularExpressions;

namespace Sequin.Configuration;

/// <summary>
/// Reads a database's <c>slot</c> or <c>publication</c>: <c>name</c>, <c>create_if_not_exists</c>, for the slot
/// <c>failover</c>, and for the publication <c>init_sql</c>.
/// </summary>
internal static partial class ReplicationSlotReader
{
    public static (string Name, bool Create, string? InitSql, bool Failover)? Read(ConfigMap database, string key, bool isSlot)
    {
        var map = database.Map(key, required: true);
        if (map is null)
        {
            return null;
        }

        var name = map.String("name", required: true);
        var create = map.Boolean("create_if_not_exists") ?? false;
        var initSql = isSlot ? null : map.String("init_sql")?.Trim();
        var failover = isSlot && (map.Boolean("failover") ?? false);
        if (!isSlot)
        {
            // In the original's reference example only: its loader reads name, create_if_not_exists and init_sql.
            map.Ignored(
                "schemas",
                "Ignored, as by the original's loader: a publication created here covers schema public unless init_sql says otherwise (e.g. create publication <name> for tables in schema public, sales); a sink's schema/tables choose what it receives.");
        }

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

        return (name, create, initSql, failover);
    }

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex SlotNamePattern();
}
