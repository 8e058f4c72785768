using Microsoft.Extensions.Logging;

namespace Sequin.Hosting;

/// <summary>The runtime's log messages about live configuration changes (event ids 1350-1359).</summary>
internal static partial class LiveConfigLog
{
    [LoggerMessage(1350, LogLevel.Information, "Configuration applied live: {Added} sink(s) added, {Changed} restarted, {Removed} removed; the other sinks kept delivering.")]
    public static partial void Applied(ILogger logger, int added, int changed, int removed);

    [LoggerMessage(1351, LogLevel.Warning, "Configuration change refused; the running configuration stays: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);

    [LoggerMessage(1352, LogLevel.Information, "Sink {Sink} started (added live).")]
    public static partial void SinkAdded(ILogger logger, string sink);

    [LoggerMessage(1353, LogLevel.Information, "Sink {Sink} restarted with its new configuration: the old one delivered what it held ({Drained}); {HandedOver} undelivered message(s) handed over to the new one.")]
    public static partial void SinkRestarted(ILogger logger, string sink, bool drained, int handedOver);

    [LoggerMessage(1354, LogLevel.Information, "Sink {Sink} removed: it delivered what it held ({Drained}); {Released} undelivered message(s) released from the acknowledgement.")]
    public static partial void SinkRemoved(ILogger logger, string sink, bool drained, int released);
}
