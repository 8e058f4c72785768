using Microsoft.Extensions.Logging;

namespace Sequin.Hosting.Plugins;

/// <summary>The plugin loader's log messages (event ids 5001-5002, as when they were the host's).</summary>
internal static partial class PluginLog
{
    [LoggerMessage(5001, LogLevel.Information, "Loaded sink plugin {TypeName} from {AssemblyPath}.")]
    public static partial void PluginLoaded(ILogger logger, string typeName, string assemblyPath);

    [LoggerMessage(5002, LogLevel.Warning, "Sink plugin {Source} was skipped: {Reason}")]
    public static partial void PluginLoadFailed(ILogger logger, string source, string reason);
}
