using Microsoft.Extensions.Logging;

namespace Sequin.Host;

/// <summary>The host's log messages (event ids 5000-5999).</summary>
internal static partial class HostLog
{
    // 5001-5002 (plugin loaded, plugin skipped) are Sequin.Hosting's PluginLog.

    [LoggerMessage(5003, LogLevel.Information, "Configuration {ConfigPath} loaded: {Databases} database(s), {Functions} function(s), {Sinks} sink(s).")]
    public static partial void ConfigLoaded(ILogger logger, string configPath, int databases, int functions, int sinks);

    [LoggerMessage(5007, LogLevel.Warning, "Configuration {ConfigPath}: {KeyPath}: {Message}")]
    public static partial void ConfigWarning(ILogger logger, string configPath, string keyPath, string message);
}
