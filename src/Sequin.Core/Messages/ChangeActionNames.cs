namespace Sequin.Messages;

/// <summary>Converts <see cref="ChangeAction"/> to and from the wire names used in messages and configuration.</summary>
public static class ChangeActionNames
{
    /// <summary>Returns the wire name of an action: <c>insert</c>, <c>update</c>, <c>delete</c>, <c>read</c> or <c>truncate</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined action.</exception>
    public static string ToWireName(this ChangeAction action) => action switch
    {
        ChangeAction.Insert => "insert",
        ChangeAction.Update => "update",
        ChangeAction.Delete => "delete",
        ChangeAction.Read => "read",
        ChangeAction.Truncate => "truncate",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown change action."),
    };

    /// <summary>Parses a wire name (case-sensitive, lower case).</summary>
    /// <returns><see langword="true"/> when <paramref name="name"/> is a known action.</returns>
    public static bool TryParse(string? name, out ChangeAction action)
    {
        switch (name)
        {
            case "insert": action = ChangeAction.Insert; return true;
            case "update": action = ChangeAction.Update; return true;
            case "delete": action = ChangeAction.Delete; return true;
            case "read": action = ChangeAction.Read; return true;
            case "truncate": action = ChangeAction.Truncate; return true;
            default: action = default; return false;
        }
    }
}
