using Microsoft.Extensions.Logging;

namespace Sequin.Sinks.RabbitMq.Internal;

/// <summary>The RabbitMQ sink's log messages (event ids 11000-11999). Never logs a password or a payload; Core logs failed deliveries.</summary>
internal static partial class RabbitMqSinkLog
{
    [LoggerMessage(11001, LogLevel.Debug, "RabbitMQ sink connecting to {Server} (tls: {Tls}, user: {User}).")]
    public static partial void Connecting(ILogger logger, string server, bool tls, string user);

    [LoggerMessage(11002, LogLevel.Information, "RabbitMQ sink connected to RabbitMQ {Version} at {Server}.")]
    public static partial void Connected(ILogger logger, string version, string server);

    [LoggerMessage(11003, LogLevel.Warning, "RabbitMQ sink lost its connection to {Server}: {Reason}. The next batch connects again.")]
    public static partial void ConnectionLost(ILogger logger, string server, string reason);
}
