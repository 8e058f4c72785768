using Sequin.Hosting.Plugins;

namespace Sequin.Host.Cli;

/// <summary>
/// The folders every command searches for sink plugins, in this order: the tool's own <c>plugins/</c> (the shipped
/// sinks), <c>--plugins-dir</c>, <c>SEQUIN_PLUGINS_DIR</c> (one folder, or several separated by the platform's path
/// separator), and the user plugins folder (<see cref="UserDirectory"/>). All are searched; the first plugin to claim
/// a sink type name keeps it, except that a shipped sink always keeps its own. The user folder lies outside the
/// tool's install folder, which <c>dotnet tool update</c> and <c>uninstall</c> replace: plugins put there survive them.
/// </summary>
internal static class PluginSources
{
    /// <summary>The environment variable naming more plugins folders.</summary>
    public const string EnvironmentVariable = "SEQUIN_PLUGINS_DIR";

    public const string ShippedOrigin = "shipped with the tool";

    public const string OptionOrigin = "--plugins-dir";

    public const string UserOrigin = "user plugins folder";

    /// <summary>The folders to search, in order; <paramref name="pluginsDirectory"/> is the <c>--plugins-dir</c> value, if any.</summary>
    public static IReadOnlyList<PluginSource> For(SequinCliOptions options, string? pluginsDirectory)
    {
        var sources = new List<PluginSource> { new(options.DefaultPluginsDirectory, ShippedOrigin) };
        if (!string.IsNullOrWhiteSpace(pluginsDirectory))
        {
            sources.Add(new(pluginsDirectory, OptionOrigin));
        }

        if (options.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            foreach (var folder in configured.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                sources.Add(new(folder, EnvironmentVariable));
            }
        }

        if (UserDirectory(options.GetEnvironmentVariable) is { } user)
        {
            sources.Add(new(user, UserOrigin));
        }

        return sources;
    }

    /// <summary>
    /// The user plugins folder: <c>$XDG_DATA_HOME/sequin/plugins</c>, by default <c>~/.local/share/sequin/plugins</c>
    /// (the XDG base directory rule, as .NET's <c>LocalApplicationData</c> follows it on Linux), or
    /// <c>%LOCALAPPDATA%\sequin\plugins</c> on Windows; null when the variables it is made of are not set.
    /// </summary>
    public static string? UserDirectory(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (OperatingSystem.IsWindows())
        {
            return environment("LOCALAPPDATA") is { Length: > 0 } local ? Path.Combine(local, "sequin", "plugins") : null;
        }

        // XDG: a relative XDG_DATA_HOME is invalid and ignored.
        if (environment("XDG_DATA_HOME") is { Length: > 0 } data && Path.IsPathRooted(data))
        {
            return Path.Combine(data, "sequin", "plugins");
        }

        return environment("HOME") is { Length: > 0 } home ? Path.Combine(home, ".local", "share", "sequin", "plugins") : null;
    }

    /// <summary>Which of <paramref name="sources"/> holds <paramref name="assemblyPath"/> (the first that does), or null.</summary>
    public static PluginSource? Of(IReadOnlyList<PluginSource> sources, string assemblyPath) =>
        sources.FirstOrDefault(s =>
        {
            var folder = Path.GetFullPath(s.Path).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            return assemblyPath.StartsWith(folder, StringComparison.Ordinal);
        });
}
