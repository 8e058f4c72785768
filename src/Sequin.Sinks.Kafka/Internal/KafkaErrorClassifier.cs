using Confluent.Kafka;

namespace Sequin.Sinks.Kafka.Internal;

/// <summary>
/// Maps a librdkafka or broker error to a delivery outcome, keeping librdkafka's own reason. Errors that retrying alone
/// cannot fix (too large, invalid topic, not authorized, bad credentials) are permanent; outages, timeouts and leader
/// changes are retryable.
/// </summary>
internal static class KafkaErrorClassifier
{
    /// <summary>Whether an error code is permanent.</summary>
    public static bool IsPermanent(ErrorCode code) => code switch
    {
        ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge or ErrorCode.InvalidMsgSize => true,
        ErrorCode.TopicException or ErrorCode.InvalidRecord or ErrorCode.PolicyViolation or ErrorCode.InvalidRequiredAcks => true,
        ErrorCode.TopicAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed or ErrorCode.TransactionalIdAuthorizationFailed => true,
        ErrorCode.SaslAuthenticationFailed or ErrorCode.Local_Authentication or ErrorCode.UnsupportedSaslMechanism or ErrorCode.IllegalSaslState => true,
        ErrorCode.UnsupportedForMessageFormat or ErrorCode.UnsupportedVersion or ErrorCode.Local_InvalidArg or ErrorCode.Local_BadMsg => true,
        ErrorCode.Local_KeySerialization or ErrorCode.Local_ValueSerialization or ErrorCode.Local_Ssl => true,
        _ => false,
    };

    /// <summary>Describes an error the way librdkafka reports it: <c>&lt;code&gt;: &lt;reason&gt;</c>.</summary>
    public static string Describe(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var reason = string.IsNullOrEmpty(error.Reason) ? error.Code.GetReason() : error.Reason;
        return $"{error.Code}: {reason}";
    }

    /// <summary>The outcome of a message whose delivery failed with <paramref name="error"/>.</summary>
    public static DeliveryOutcome Classify(Error error, string topic)
    {
        ArgumentNullException.ThrowIfNull(error);
        var text = $"Kafka delivery to topic '{topic}' failed: {Describe(error)}";
        if (error.IsFatal)
        {
            return DeliveryOutcome.Retry(text + " (fatal producer error; the producer is recreated)");
        }

        return IsPermanent(error.Code) ? DeliveryOutcome.Permanent(text) : DeliveryOutcome.Retry(text);
    }
}
