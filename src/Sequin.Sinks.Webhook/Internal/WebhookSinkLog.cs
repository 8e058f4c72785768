using Microsoft.Extensions.Logging;

namespace Sequin.Sinks.Webhook.Internal;

/// <summary>
/// The webhook sink's own log messages. Never a header value, a secret, a URL's path or query, or a payload: failed
/// deliveries are logged by Core, once and rate-limited, with the sink's error text (which names method, host and path).
/// </summary>
internal static partial class WebhookSinkLog
{
    [LoggerMessage(9301, LogLevel.Information, "Webhook sink '{Sink}' sends to {Endpoint} (batch: {Batch}, at most {MaxConnections} connections).")]
    public static partial void DeliveryCreated(ILogger logger, string sink, string endpoint, bool batch, int maxConnections);

    [LoggerMessage(9302, LogLevel.Warning, "Webhook sink '{Sink}' does not verify the certificate of {Endpoint} (tls_skip_verify: true): anyone on the path can read and change its requests. Use it for test endpoints only; give ca_file for a private CA.")]
    public static partial void TlsVerificationSkipped(ILogger logger, string sink, string endpoint);
}
