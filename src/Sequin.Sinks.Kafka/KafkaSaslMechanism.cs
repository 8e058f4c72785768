namespace Sequin.Sinks.Kafka;

/// <summary>The SASL mechanism a Kafka sink authenticates with (<c>sasl_mechanism</c>).</summary>
public enum KafkaSaslMechanism
{
    /// <summary>SASL/PLAIN: user name and password sent as is (use with <c>tls: true</c>). YAML: <c>plain</c>.</summary>
    Plain,

    /// <summary>SASL/SCRAM-SHA-256. YAML: <c>scram_sha_256</c>.</summary>
    ScramSha256,

    /// <summary>SASL/SCRAM-SHA-512. YAML: <c>scram_sha_512</c>.</summary>
    ScramSha512,

    /// <summary>
    /// AWS MSK IAM authentication, as the original Sequin offers it. YAML: <c>aws_msk_iam</c>. SASL/OAUTHBEARER with a
    /// SigV4-presigned <c>kafka-cluster:Connect</c> token, signed for <see cref="KafkaSinkOptions.AwsRegion"/> with the
    /// AWS keys or the default AWS credential chain and renewed before it expires (tokens last 15 minutes).
    /// </summary>
    AwsMskIam,
}
