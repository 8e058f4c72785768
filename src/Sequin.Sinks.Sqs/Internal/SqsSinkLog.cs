using Microsoft.Extensions.Logging;

namespace Sequin.Sinks.Sqs.Internal;

/// <summary>The SQS sink's log messages (event ids 6000-6999). Never logs secrets or payloads; Core logs failed deliveries.</summary>
internal static partial class SqsSinkLog
{
    [LoggerMessage(6001, LogLevel.Debug, "SQS client for {Endpoint} (region {Region}) created; credentials: {CredentialSource}.")]
    public static partial void ClientCreated(ILogger logger, string endpoint, string region, string credentialSource);
}
