namespace Sequin.Configuration;

/// <summary>
/// The limits a configuration is read with, so that a small hostile or mistaken input (a YAML alias bomb, a value
/// nested thousands of levels deep, a function <c>file:</c> pointing at a device) fails with a clear error instead
/// of exhausting the process.
/// </summary>
public static class ConfigLimits
{
    /// <summary>
    /// The deepest a value may be nested: 64 levels of maps and lists, counting the top-level map (so
    /// <c>sinks[0].annotations</c> is at level 4 and its own keys may nest 60 levels further).
    /// </summary>
    public const int MaxNestingDepth = 64;

    /// <summary>The most values (maps, lists and scalars) a YAML file may expand to once its aliases are resolved: 100,000.</summary>
    public const int MaxYamlNodes = 100_000;

    /// <summary>The most characters of scalar text a YAML file may expand to once its aliases are resolved: 16 Mi.</summary>
    public const int MaxYamlTextLength = 16 * 1024 * 1024;
}
