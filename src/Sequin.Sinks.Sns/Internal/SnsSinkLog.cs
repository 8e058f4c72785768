using Microsoft.Extensions.Logging;

namespace Sequin.Sinks.Sns.Internal;

/// <summary>The SNS sink's log messages (event ids 4000-4999). Never logs secrets or payloads; Core logs failed deliveries.</summary>
internal static partial class SnsSinkLog
{
    [LoggerMessage(4005, LogLevel.Debug, "SNS client for {Endpoint} (region {Region}) created; credentials: {CredentialSource}.")]
    public static partial void ClientCreated(ILogger logger, Uri endpoint, string region, string credentialSource);
}
