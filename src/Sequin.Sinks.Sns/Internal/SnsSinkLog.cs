using Microsoft.Extensions.Logging;

namespace Sequin.Sinks.Sns.Internal;

/// <summary>The SNS sink's log messages (event ids 4000-4999). Never logs secrets or payloads.</summary>
internal static partial class SnsSinkLog
{
    [LoggerMessage(4001, LogLevel.Warning, "PublishBatch to {TopicArn} failed for all {Count} entries: {Error}")]
    public static partial void BatchFailed(ILogger logger, string topicArn, int count, string error);

    [LoggerMessage(4002, LogLevel.Warning, "PublishBatch to {TopicArn}: {Failed} of {Count} entries failed; only those are retried. First error: {Error}")]
    public static partial void BatchPartiallyFailed(ILogger logger, string topicArn, int failed, int count, string error);

    [LoggerMessage(4003, LogLevel.Warning, "A message for {TopicArn} is {Size} bytes, over SNS's limit of {Limit} bytes; it is failed as permanent.")]
    public static partial void MessageTooLarge(ILogger logger, string topicArn, int size, int limit);

    [LoggerMessage(4004, LogLevel.Warning, "A message for FIFO topic {TopicArn} has no message group id; it is failed as permanent.")]
    public static partial void FifoWithoutGroup(ILogger logger, string topicArn);

    [LoggerMessage(4005, LogLevel.Debug, "SNS client for {Endpoint} (region {Region}) created; credentials: {CredentialSource}.")]
    public static partial void ClientCreated(ILogger logger, Uri endpoint, string region, string credentialSource);
}
