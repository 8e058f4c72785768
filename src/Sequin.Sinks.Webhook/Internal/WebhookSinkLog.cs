using Microsoft.Extensions.Logging;

namespace Sequin.Sinks.Webhook.Internal;

/// <summary>
/// The webhook sink's own log messages (<c>[LoggerMessage]</c>: no allocation when the level is off). Never log a
/// secret or a payload. Failed deliveries are not logged here: Core logs each once (rate-limited) and counts them.
/// </summary>
// TODO: an event id range of your own, and a message per thing worth telling an operator (a client created, a reconnect).
internal static partial class WebhookSinkLog
{
    [LoggerMessage(9001, LogLevel.Debug, "webhook delivery created for {Host}.")]
    public static partial void DeliveryCreated(ILogger logger, string host);
}
