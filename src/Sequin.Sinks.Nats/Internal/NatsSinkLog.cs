using Microsoft.Extensions.Logging;

namespace Sequin.Sinks.Nats.Internal;

/// <summary>The NATS sink's log messages (event ids 9000-9999). Never logs a password or a payload; Core logs failed deliveries.</summary>
internal static partial class NatsSinkLog
{
    [LoggerMessage(9001, LogLevel.Debug, "NATS sink connecting to {Server} (tls: {Tls}, user: {User}, publish_mode: {Mode}).")]
    public static partial void Connecting(ILogger logger, string server, bool tls, string user, string mode);

    [LoggerMessage(9002, LogLevel.Information, "NATS sink: no JetStream stream captures subject {Subject}; it is published with core NATS (at most once at the server), checked again every 30 s. Create a stream for it, or set publish_mode: jetstream to wait for one.")]
    public static partial void CorePublish(ILogger logger, string subject);
}
