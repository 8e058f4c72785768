using Microsoft.Extensions.Logging;

namespace Sequin.Host;

/// <summary>The host's log messages (event ids 5000-5999).</summary>
internal static partial class HostLog
{
    [LoggerMessage(5001, LogLevel.Information, "Loaded sink plugin {TypeName} from {AssemblyPath}.")]
    public static partial void PluginLoaded(ILogger logger, string typeName, string assemblyPath);

    [LoggerMessage(5002, LogLevel.Warning, "Sink plugin {Source} was skipped: {Reason}")]
    public static partial void PluginLoadFailed(ILogger logger, string source, string reason);

    [LoggerMessage(5004, LogLevel.Error, "Sink plugin {Source} claims the sink type {TypeName} of the shipped sink {ShippedAssemblyPath}; it is not loaded, the shipped sink is used.")]
    public static partial void PluginClaimsShippedType(ILogger logger, string source, string typeName, string shippedAssemblyPath);

    [LoggerMessage(5003, LogLevel.Information, "Configuration {ConfigPath} loaded: {Databases} database(s), {Functions} function(s), {Sinks} sink(s).")]
    public static partial void ConfigLoaded(ILogger logger, string configPath, int databases, int functions, int sinks);
}
