using System.Globalization;
using Confluent.Kafka;

namespace Sequin.Sinks.Kafka.Internal;

/// <summary>Turns <see cref="KafkaSinkOptions"/> into librdkafka configuration: connection, TLS, SASL (MSK IAM as OAUTHBEARER) and producer settings.</summary>
internal static class KafkaProducerConfigFactory
{
    /// <summary>Room for the record and batch framing above <see cref="KafkaSinkOptions.MaxMessageBytes"/>.</summary>
    private const int FramingAllowance = 64 * 1024;

    /// <summary>The connection settings shared by the producer and the admin client of connection tests.</summary>
    public static ClientConfig CreateClientConfig(KafkaSinkOptions options, string clientId)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ClientConfig
        {
            BootstrapServers = options.Hosts,
            ClientId = clientId,
            SocketKeepaliveEnable = true,
            SocketNagleDisable = true, // small produce requests must not wait for delayed ACKs.
        };

        var sasl = options.SaslMechanism is not null;
        config.SecurityProtocol = (options.Tls, sasl) switch
        {
            (true, true) => SecurityProtocol.SaslSsl,
            (true, false) => SecurityProtocol.Ssl,
            (false, true) => SecurityProtocol.SaslPlaintext,
            _ => SecurityProtocol.Plaintext,
        };

        if (options.Tls)
        {
            // Verify the broker's certificate and host name unless explicitly told not to (the original never verified).
            config.EnableSslCertificateVerification = !options.TlsSkipVerify;
            config.SslEndpointIdentificationAlgorithm = options.TlsSkipVerify ? SslEndpointIdentificationAlgorithm.None : SslEndpointIdentificationAlgorithm.Https;
            if (options.TlsCaPath is not null)
            {
                config.SslCaLocation = options.TlsCaPath;
            }
        }

        if (options.SaslMechanism == KafkaSaslMechanism.AwsMskIam)
        {
            // MSK IAM is SASL/OAUTHBEARER with a SigV4-presigned token; the client's token refresh handler supplies it
            // (MskIamTokenRefresher). No sasl.oauthbearer.method: librdkafka's own OIDC flow is not used.
            config.SaslMechanism = SaslMechanism.OAuthBearer;
        }
        else if (options.SaslMechanism is { } mechanism)
        {
            config.SaslMechanism = mechanism switch
            {
                KafkaSaslMechanism.Plain => SaslMechanism.Plain,
                KafkaSaslMechanism.ScramSha256 => SaslMechanism.ScramSha256,
                KafkaSaslMechanism.ScramSha512 => SaslMechanism.ScramSha512,
                _ => throw new ArgumentOutOfRangeException(nameof(options), mechanism, "Unknown sasl_mechanism."),
            };
            config.SaslUsername = options.Username;
            config.SaslPassword = options.Password;
        }

        return config;
    }

    /// <summary>The producer: idempotent, <c>acks=all</c>, murmur2 partitioning (Java-compatible; null keys spread randomly).</summary>
    public static ProducerConfig CreateProducerConfig(KafkaSinkOptions options, string clientId)
    {
        var config = new ProducerConfig(CreateClientConfig(options, clientId))
        {
            EnableIdempotence = true,
            Acks = Acks.All,
            Partitioner = Partitioner.Murmur2Random,
            CompressionType = options.Compression switch
            {
                KafkaCompression.Gzip => CompressionType.Gzip,
                KafkaCompression.Snappy => CompressionType.Snappy,
                KafkaCompression.Lz4 => CompressionType.Lz4,
                KafkaCompression.Zstd => CompressionType.Zstd,
                _ => CompressionType.None,
            },
            MessageTimeoutMs = options.DeliveryTimeoutMs,
            MessageMaxBytes = Math.Max(1_000_000, options.MaxMessageBytes + FramingAllowance),
            // Sequin hands over whole batches at once: a short linger still merges concurrent batches without adding latency.
            LingerMs = 1,
            EnableDeliveryReports = true,
            DeliveryReportFields = "status",
        };
        config.Set("request.timeout.ms", Math.Min(30_000, options.DeliveryTimeoutMs).ToString(CultureInfo.InvariantCulture));
        return config;
    }
}
