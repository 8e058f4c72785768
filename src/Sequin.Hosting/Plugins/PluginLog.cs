using Microsoft.Extensions.Logging;

namespace Sequin.Hosting.Plugins;

/// <summary>The plugin loader's log messages (event ids 5001, 5002 and 5004 as when they were the host's, 5005 and 5006).</summary>
internal static partial class PluginLog
{
    [LoggerMessage(5001, LogLevel.Information, "Loaded sink plugin {TypeName} from {AssemblyPath}.")]
    public static partial void PluginLoaded(ILogger logger, string typeName, string assemblyPath);

    [LoggerMessage(5002, LogLevel.Warning, "Sink plugin {Source} was skipped: {Reason}")]
    public static partial void PluginLoadFailed(ILogger logger, string source, string reason);

    [LoggerMessage(5004, LogLevel.Error, "Sink plugin {Source} claims the sink type {TypeName} of the shipped sink {ShippedAssemblyPath}; it is not loaded, the shipped sink is used.")]
    public static partial void PluginClaimsShippedType(ILogger logger, string source, string typeName, string shippedAssemblyPath);

    [LoggerMessage(5005, LogLevel.Warning, "Sink plugin {Source} claims the sink type {TypeName}, already loaded from {FirstAssemblyPath} in a plugins folder searched before it; it is not loaded, the first one is used.")]
    public static partial void PluginTypeTaken(ILogger logger, string source, string typeName, string firstAssemblyPath);

    [LoggerMessage(5006, LogLevel.Debug, "Plugin folder {Folder} is a copy of the shipped plugin {ShippedFolder}, which is loaded instead.")]
    public static partial void ShippedCopySkipped(ILogger logger, string folder, string shippedFolder);
}
