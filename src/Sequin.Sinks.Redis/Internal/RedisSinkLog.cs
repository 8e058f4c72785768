using Microsoft.Extensions.Logging;

namespace Sequin.Sinks.Redis.Internal;

/// <summary>The Redis sinks' log messages (event ids 8000-8999). Never logs a password or a payload; Core logs failed deliveries.</summary>
internal static partial class RedisSinkLog
{
    [LoggerMessage(8001, LogLevel.Debug, "Redis {SinkType} sink connecting to {Server} (tls: {Tls}, user: {User}).")]
    public static partial void Connecting(ILogger logger, string sinkType, string server, bool tls, string user);

    [LoggerMessage(8002, LogLevel.Warning, "Redis {SinkType} sink lost its connection to {Server} ({FailureType}); StackExchange.Redis reconnects, undelivered batches are retried.")]
    public static partial void ConnectionFailed(ILogger logger, string sinkType, string server, string failureType);

    [LoggerMessage(8003, LogLevel.Information, "Redis {SinkType} sink reconnected to {Server}.")]
    public static partial void ConnectionRestored(ILogger logger, string sinkType, string server);
}
