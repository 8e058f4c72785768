using Microsoft.Extensions.Logging;

namespace Sequin.Host;

/// <summary>The host's log messages (event ids 5000-5999).</summary>
internal static partial class HostLog
{
    // 5001-5002 (plugin loaded, plugin skipped) are Sequin.Hosting's PluginLog.

    [LoggerMessage(5003, LogLevel.Information, "Configuration {ConfigPath} loaded: {Databases} database(s), {Functions} function(s), {Sinks} sink(s).")]
    public static partial void ConfigLoaded(ILogger logger, string configPath, int databases, int functions, int sinks);

    [LoggerMessage(5011, LogLevel.Warning, "Configuration {ConfigPath}: {KeyPath}: {Message}")]
    public static partial void ConfigWarning(ILogger logger, string configPath, string keyPath, string message);

    [LoggerMessage(5012, LogLevel.Information, "Configuration {ConfigPath}: reloading ({Reason}).")]
    public static partial void Reloading(ILogger logger, string configPath, string reason);

    [LoggerMessage(5013, LogLevel.Error, "Configuration {ConfigPath} was not applied, the running one stays: {Errors}")]
    public static partial void ReloadInvalid(ILogger logger, string configPath, string errors);

    [LoggerMessage(5014, LogLevel.Warning, "Configuration {ConfigPath} was not applied, the running one stays: {Reason}")]
    public static partial void ReloadRefused(ILogger logger, string configPath, string reason);

    [LoggerMessage(5015, LogLevel.Information, "Configuration {ConfigPath} applied:\n{Plan}")]
    public static partial void ReloadApplied(ILogger logger, string configPath, string plan);

    [LoggerMessage(5016, LogLevel.Information, "Configuration {ConfigPath}: no changes to apply.")]
    public static partial void ReloadUnchanged(ILogger logger, string configPath);

    [LoggerMessage(5017, LogLevel.Error, "Configuration {ConfigPath}: reloading failed: {Reason}")]
    public static partial void ReloadFailed(ILogger logger, Exception exception, string configPath, string reason);
}
