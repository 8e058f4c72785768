using Microsoft.Extensions.Logging;

namespace Sequin.Sinks.Kafka.Internal;

/// <summary>The Kafka sink's log messages (event ids 2000-2999). Never pass a secret.</summary>
internal static partial class KafkaSinkLog
{
    [LoggerMessage(2001, LogLevel.Warning, "Kafka sink {Sink}: client error {Code}: {Reason}")]
    public static partial void ClientError(ILogger logger, string sink, string code, string reason);

    [LoggerMessage(2002, LogLevel.Error, "Kafka sink {Sink}: fatal producer error {Code}: {Reason}. The producer is recreated for the next batch.")]
    public static partial void FatalError(ILogger logger, string sink, string code, string reason);

    [LoggerMessage(2004, LogLevel.Debug, "Kafka sink {Sink}: the producer's local queue is full; waiting to produce to {Topic}.")]
    public static partial void LocalQueueFull(ILogger logger, string sink, string topic);

    [LoggerMessage(EventId = 2005, Message = "librdkafka {Facility} ({Sink}): {Message}")]
    public static partial void Librdkafka(ILogger logger, LogLevel level, string sink, string facility, string message);

    [LoggerMessage(2006, LogLevel.Information, "Kafka sink {Sink}: producer created for {Hosts} (idempotent, acks=all, murmur2 partitioning) on librdkafka {LibrdkafkaVersion} from {LibrdkafkaPath}.")]
    public static partial void ProducerCreated(ILogger logger, string sink, string hosts, string librdkafkaVersion, string librdkafkaPath);

    [LoggerMessage(2007, LogLevel.Warning, "Kafka sink {Sink}: SASL without TLS to {Hosts} (allow_sasl_plaintext: true): the credentials and every message cross the network unencrypted.")]
    public static partial void SaslPlaintextAllowed(ILogger logger, string sink, string hosts);

    [LoggerMessage(2008, LogLevel.Debug, "Kafka sink {Sink}: MSK IAM token for {Region} signed with credentials from {CredentialSource}, valid until {ExpiresAt:O}.")]
    public static partial void MskIamTokenSet(ILogger logger, string sink, string region, string credentialSource, DateTimeOffset expiresAt);

    [LoggerMessage(2009, LogLevel.Error, "Kafka sink {Sink}: {Reason}. librdkafka retries in 10 s.")]
    public static partial void MskIamTokenFailed(ILogger logger, string sink, string reason);
}
