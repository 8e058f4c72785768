namespace Sequin.Sinks.Kafka;

/// <summary>
/// The <c>destination:</c> section of a Kafka sink; rules between keys are in <see cref="KafkaSink"/>. Defaults are
/// set in the initializers and stated on each property.
/// </summary>
public sealed class KafkaSinkOptions
{
    /// <summary><c>hosts</c>: the bootstrap brokers, a comma-separated list of <c>host:port</c>. Required.</summary>
    [SinkOption("Bootstrap brokers: a comma-separated list of host:port pairs.", Required = true)]
    public string Hosts { get; set; } = string.Empty;

    /// <summary>
    /// <c>topic</c>: the topic every message goes to in static routing mode (required there, at most 255 characters).
    /// Cleared in dynamic mode, where the routing function decides. Default: null.
    /// </summary>
    [SinkOption("The topic every message goes to (static routing).", Routable = true, MaxLength = KafkaSink.MaxTopicLength)]
    public string? Topic { get; set; }

    /// <summary><c>tls</c>: connect with TLS, verifying the server certificate. Default: false.</summary>
    [SinkOption("Connect with TLS; the server certificate is verified.")]
    public bool Tls { get; set; }

    /// <summary><c>tls_ca_path</c>: a PEM file of CA certificates to verify the brokers with, instead of the system store. Default: null.</summary>
    [SinkOption("PEM file of CA certificates to verify the brokers with (default: the system store).")]
    public string? TlsCaPath { get; set; }

    /// <summary>
    /// <c>tls_skip_verify</c>: do not verify the brokers' certificate or host name. Only for self-signed test brokers;
    /// requires <c>tls: true</c>. Default: false.
    /// </summary>
    [SinkOption("Skip verifying the brokers' certificate and host name (self-signed test brokers only).")]
    public bool TlsSkipVerify { get; set; }

    /// <summary>
    /// <c>sasl_mechanism</c>: SASL authentication: <c>plain</c> and <c>scram_*</c> with <see cref="Username"/> and
    /// <see cref="Password"/>; <c>aws_msk_iam</c> with <see cref="AwsRegion"/> and AWS credentials. Default: null (none).
    /// </summary>
    [SinkOption("SASL authentication: plain or scram_* with username and password; aws_msk_iam with aws_region and AWS credentials.")]
    public KafkaSaslMechanism? SaslMechanism { get; set; }

    /// <summary><c>username</c>: the SASL user name. Required with <c>plain</c> and <c>scram_*</c>. Default: null.</summary>
    [SinkOption("SASL user name (plain, scram_*).")]
    public string? Username { get; set; }

    /// <summary><c>password</c>: the SASL password. Secret; required with <c>plain</c> and <c>scram_*</c>. Default: null.</summary>
    [SinkOption("SASL password (plain, scram_*).", Secret = true)]
    public string? Password { get; set; }

    /// <summary>
    /// <c>aws_region</c>: the MSK cluster's region, e.g. <c>us-east-1</c>; MSK IAM tokens are signed for it. Required with
    /// <c>sasl_mechanism: aws_msk_iam</c>, refused without it. Default: null.
    /// </summary>
    [SinkOption("The MSK cluster's AWS region, e.g. us-east-1 (sasl_mechanism aws_msk_iam).", Pattern = "^[a-z0-9-]{1,64}$", PatternDescription = "an AWS region such as us-east-1")]
    public string? AwsRegion { get; set; }

    /// <summary>
    /// <c>aws_access_key_id</c>: the access key id that signs MSK IAM tokens, with <see cref="AwsSecretAccessKey"/>. Without
    /// both keys the AWS SDK's default credential chain is used (environment, shared profile, web identity, ECS task role,
    /// EC2 instance role). Default: null.
    /// </summary>
    [SinkOption("AWS access key id for aws_msk_iam, with aws_secret_access_key; without both, the default AWS credential chain is used.")]
    public string? AwsAccessKeyId { get; set; }

    /// <summary><c>aws_secret_access_key</c>: the secret of <see cref="AwsAccessKeyId"/>. Secret: masked on export, never logged. Default: null.</summary>
    [SinkOption("AWS secret access key for aws_msk_iam, with aws_access_key_id.", Secret = true)]
    public string? AwsSecretAccessKey { get; set; }

    /// <summary>
    /// <c>allow_sasl_plaintext</c>: accept SASL with <c>tls: false</c>, where the credentials (the password itself with
    /// <c>plain</c>) and every message cross the network unencrypted. Only for trusted networks; without it, SASL
    /// without TLS is refused. Default: false.
    /// </summary>
    [SinkOption("Accept SASL with tls: false, sending the credentials and messages unencrypted (trusted networks only).")]
    public bool AllowSaslPlaintext { get; set; }

    /// <summary><c>compression</c>: the producer's batch compression. Default: <see cref="KafkaCompression.None"/>.</summary>
    [SinkOption("Compression of produced batches.", AllowedValues = ["none", "gzip", "snappy", "lz4", "zstd"])]
    public KafkaCompression Compression { get; set; } = KafkaCompression.None;

    /// <summary>
    /// <c>batch_size</c>: the most messages Sequin hands the producer at once, unless the sink's own <c>batch_size</c>
    /// overrides it. Default: 200 (1 to 10 000).
    /// </summary>
    [SinkOption("Most messages per batch (the sink's own batch_size overrides it).", Minimum = 1, Maximum = KafkaSink.MaxBatch)]
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// <c>batch_timeout_ms</c>: how long a partial batch waits for more messages, unless the sink's own
    /// <c>batch_timeout_ms</c> overrides it. Default: 5 ms.
    /// </summary>
    [SinkOption("How long a partial batch waits for more messages, in ms (the sink's own batch_timeout_ms overrides it).", Minimum = 0, Maximum = 60_000)]
    public int BatchTimeoutMs { get; set; } = 5;

    /// <summary>
    /// <c>max_message_bytes</c>: the largest message (key + value + headers) the sink sends; a larger one fails
    /// permanently with a clear error instead of being dropped. Keep it at or below the topic's
    /// <c>max.message.bytes</c>. Default: 1 000 000.
    /// </summary>
    [SinkOption("Largest message (key + value + headers) sent; larger ones fail permanently with a clear error.", Minimum = 1_000, Maximum = 1_000_000_000)]
    public int MaxMessageBytes { get; set; } = 1_000_000;

    /// <summary>
    /// <c>delivery_timeout_ms</c>: how long the producer keeps retrying a message (broker down, no leader) before
    /// reporting it failed, after which Sequin retries it with backoff. Default: 30 000 ms.
    /// </summary>
    [SinkOption("How long the producer retries a message before reporting it failed, in ms.", Minimum = 1_000, Maximum = 3_600_000)]
    public int DeliveryTimeoutMs { get; set; } = 30_000;

    /// <summary>
    /// <c>tombstones</c>: for a delete, also send a tombstone (the same key, a null value) after the delete message,
    /// so that compacted topics drop the row. Only for messages with a key. Default: false.
    /// </summary>
    [SinkOption("For deletes, also send a tombstone (same key, null value) for compacted topics.")]
    public bool Tombstones { get; set; }
}
