using System.Text.RegularExpressions;

namespace Sequin.Configuration;

/// <summary>Reads a database's <c>slot</c> or <c>publication</c>: <c>name</c> and <c>create_if_not_exists</c>.</summary>
internal static partial class ReplicationSlotReader
{
    public static (string Name, bool Create)? Read(ConfigMap database, string key, bool isSlot)
    {
        var map = database.Map(key, required: true);
        if (map is null)
        {
            return null;
        }

        var name = map.String("name", required: true);
        var create = map.Boolean("create_if_not_exists") ?? false;
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

        return (name, create);
    }

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex SlotNamePattern();
}
