using System.Globalization;
using System.Runtime.CompilerServices;
using Sequin.Messages;

namespace Sequin.Sinks.Kafka;

/// <summary>
/// The <c>kafka</c> sink: one idempotent producer per sink, a topic per route, murmur2 partitioning by key. Route
/// keys <c>topic</c> (required; <c>sequin.&lt;schema&gt;.&lt;table&gt;</c> by default, the destination's <c>topic</c> in
/// static mode) and <c>message_key</c> (optional; without it a message is keyed by its group id). Batches share a topic.
/// </summary>
public sealed class KafkaSink : Sink<KafkaSinkOptions>
{
    /// <summary>The <c>topic</c> route key.</summary>
    public const string TopicKey = "topic";

    /// <summary>The <c>message_key</c> route key.</summary>
    public const string MessageKeyKey = "message_key";

    /// <summary>The longest accepted topic name.</summary>
    public const int MaxTopicLength = 255;

    /// <summary>The most messages handed to the producer in one batch.</summary>
    public const int MaxBatch = 10_000;

    /// <summary>The byte limit of one batch: 16 MiB. The producer splits batches into requests itself.</summary>
    public const long MaxBatchBytes = 16L * 1024 * 1024;

    /// <summary>Batches in flight at once, as in the original's Kafka batcher: 160.</summary>
    public const int MaxConcurrentBatches = 160;

    private static readonly RoutableKey[] Keys =
    [
        new(TopicKey, "The Kafka topic.") { Required = true, MaxLength = MaxTopicLength, AllowWhitespace = false },
        new(MessageKeyKey, "The Kafka message key (decides the partition); defaults to the group id.") { MaxLength = 512, AllowWhitespace = false },
    ];

    // Keyed by relation instance: a schema change brings a new RelationInfo, so entries never go stale.
    private readonly ConditionalWeakTable<RelationInfo, string> _defaultTopics = [];

    /// <inheritdoc />
    public override string Description => "Apache Kafka (and Kafka-compatible brokers): one idempotent producer per sink, topic per route, murmur2 partitioning by key.";

    /// <inheritdoc />
    public override IReadOnlyList<RoutableKey> RouteKeys => Keys;

    /// <inheritdoc />
    public override string DefaultRoutingFunction => """
        function route(action, record, changes, metadata) {
          const route = { topic: `sequin.${metadata.table_schema}.${metadata.table_name}` };
          if (metadata.record_pks.length > 0) {
            route.message_key = metadata.record_pks.join(":");
          }
          return route;
        }
        """;

    /// <summary>
    /// Messages per batch: the destination's <c>batch_size</c> (default 200) and <c>batch_timeout_ms</c> (5 ms) unless
    /// the sink sets its own; at most 10,000 messages and 16 MiB; 160 batches in flight; batches share a topic.
    /// </summary>
    public override SinkLimits GetLimits(KafkaSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new()
        {
            MaxBatchMessages = MaxBatch,
            DefaultBatchMessages = options.BatchSize,
            DefaultLinger = TimeSpan.FromMilliseconds(options.BatchTimeoutMs),
            MaxBatchBytes = MaxBatchBytes,
            MaxConcurrentBatches = MaxConcurrentBatches,
            BatchBy = [TopicKey],
        };
    }

    /// <summary>The default topic of a table: <c>sequin.&lt;schema&gt;.&lt;table&gt;</c>.</summary>
    public static string DefaultTopic(RelationInfo relation)
    {
        ArgumentNullException.ThrowIfNull(relation);
        return "sequin." + relation.Schema + "." + relation.Table;
    }

    /// <summary>The topic <c>sequin.&lt;schema&gt;.&lt;table&gt;</c>, built once per table.</summary>
    public override void ApplyDefaultRoute(ChangeMessage message, Route route)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(route);
        route[TopicKey] = _defaultTopics.GetValue(message.Relation, DefaultTopic);
    }

    /// <summary>A topic uses Kafka's topic characters only.</summary>
    public override string? ValidateRoute(Route route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return route[TopicKey] is { } topic && !IsValidTopicName(topic)
            ? $"Route key 'topic' value \"{topic}\" is not a valid Kafka topic name: use only ASCII letters, digits, '.', '_' and '-', and not '.' or '..'."
            : null;
    }

    /// <inheritdoc />
    public override ISinkDelivery CreateDelivery(KafkaSinkOptions options, SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new KafkaDelivery(options, new KafkaSinkClient(options, context.LoggerFactory, context.Consumer.Name), context);
    }

    /// <summary>
    /// Hosts as <c>host:port</c> pairs, a topic of Kafka's characters, SASL credentials and mechanism together (for
    /// <c>aws_msk_iam</c>: a region, and both AWS keys or neither), SASL refused without TLS unless
    /// <c>allow_sasl_plaintext</c>, TLS-only keys only with TLS.
    /// </summary>
    protected override void Validate(KafkaSinkOptions options, RoutingMode mode, Action<string, string> report)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        if (options.Hosts.Length > 0 && ValidateHosts(options.Hosts) is { } hostsError)
        {
            report("hosts", hostsError);
        }

        if (options.Topic is { } topic && !IsValidTopicName(topic))
        {
            report("topic", $"Must be a Kafka topic name: ASCII letters, digits, '.', '_' and '-', not '.' or '..' (got '{topic}').");
        }

        if (options.SaslMechanism == KafkaSaslMechanism.AwsMskIam)
        {
            ValidateMskIam(options, report);
        }
        else if (options.AwsRegion is not null || options.AwsAccessKeyId is not null || options.AwsSecretAccessKey is not null)
        {
            report(options.AwsRegion is not null ? "aws_region" : options.AwsAccessKeyId is not null ? "aws_access_key_id" : "aws_secret_access_key", "Only applies with sasl_mechanism: aws_msk_iam; remove it.");
        }

        if (options.SaslMechanism is { } mechanism && mechanism != KafkaSaslMechanism.AwsMskIam)
        {
            var name = SinkNames.SnakeCase(mechanism.ToString());
            if (string.IsNullOrEmpty(options.Username))
            {
                report("username", $"Is required when sasl_mechanism is {name}.");
            }

            if (string.IsNullOrEmpty(options.Password))
            {
                report("password", $"Is required when sasl_mechanism is {name}.");
            }
        }
        else if (options.SaslMechanism is null && (!string.IsNullOrEmpty(options.Username) || !string.IsNullOrEmpty(options.Password)))
        {
            report("sasl_mechanism", "Must be set when SASL credentials are provided (plain, scram_sha_256 or scram_sha_512).");
        }

        if (options.SaslMechanism is { } sasl && !options.Tls && !options.AllowSaslPlaintext)
        {
            report("tls", SaslPlaintextRefused(sasl));
        }

        if (options.AllowSaslPlaintext && (options.SaslMechanism is null || options.Tls))
        {
            report("allow_sasl_plaintext", "Only applies with sasl_mechanism and tls: false.");
        }

        if (!options.Tls && options.TlsSkipVerify)
        {
            report("tls_skip_verify", "Only applies with tls: true.");
        }

        if (!options.Tls && options.TlsCaPath is not null)
        {
            report("tls_ca_path", "Only applies with tls: true.");
        }
    }

    /// <summary>
    /// <c>aws_msk_iam</c>: <c>aws_region</c> is required; the two AWS keys come together or not at all (then the default AWS
    /// credential chain signs); <c>username</c> and <c>password</c> do not apply.
    /// </summary>
    private static void ValidateMskIam(KafkaSinkOptions options, Action<string, string> report)
    {
        if (string.IsNullOrEmpty(options.AwsRegion))
        {
            report("aws_region", "Is required when sasl_mechanism is aws_msk_iam: the region of the MSK cluster, e.g. us-east-1 (tokens are signed for it).");
        }

        var hasKey = !string.IsNullOrEmpty(options.AwsAccessKeyId);
        var hasSecret = !string.IsNullOrEmpty(options.AwsSecretAccessKey);
        if (hasKey && !hasSecret)
        {
            report("aws_secret_access_key", "Is required when aws_access_key_id is set (or remove both to use the default AWS credential chain).");
        }
        else if (hasSecret && !hasKey)
        {
            report("aws_access_key_id", "Is required when aws_secret_access_key is set (or remove both to use the default AWS credential chain).");
        }

        if (!string.IsNullOrEmpty(options.Username))
        {
            report("username", "Does not apply with sasl_mechanism aws_msk_iam, which authenticates with AWS credentials; remove it.");
        }

        if (!string.IsNullOrEmpty(options.Password))
        {
            report("password", "Does not apply with sasl_mechanism aws_msk_iam, which authenticates with AWS credentials; remove it.");
        }
    }

    /// <summary>Why SASL without TLS is refused: names the keys, never the credentials.</summary>
    internal static string SaslPlaintextRefused(KafkaSaslMechanism mechanism)
    {
        var name = SinkNames.SnakeCase(mechanism.ToString());
        var exposed = mechanism switch
        {
            KafkaSaslMechanism.Plain => "the password itself",
            KafkaSaslMechanism.AwsMskIam => "the MSK IAM token (a credential for 15 minutes)",
            _ => "the SCRAM exchange",
        };
        return $"sasl_mechanism: {name} with tls: false would send {exposed} and every message unencrypted. Set tls: true, or allow_sasl_plaintext: true to accept that on a trusted network.";
    }

    /// <summary>Checks a <c>hosts</c> value: a comma-separated list of <c>host:port</c>, every port 1 to 65535.</summary>
    /// <returns>Null when valid, otherwise the error.</returns>
    internal static string? ValidateHosts(string value)
    {
        foreach (var entry in value.Split(',', StringSplitOptions.TrimEntries))
        {
            var colon = entry.LastIndexOf(':');
            var host = colon > 0 ? entry[..colon] : string.Empty;
            if (host.StartsWith('[') && host.EndsWith(']'))
            {
                host = host[1..^1]; // [::1]:9092
            }

            var portText = colon > 0 ? entry[(colon + 1)..] : string.Empty;
            var portOk = int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535;
            if (host.Length == 0 || host.Any(char.IsWhiteSpace) || !portOk)
            {
                return $"Must be a comma-separated list of host:port pairs, each port 1-65535 (got '{entry}' in '{value}').";
            }
        }

        return null;
    }

    /// <summary>Whether a name uses only Kafka's topic characters (ASCII letters, digits, <c>.</c>, <c>_</c>, <c>-</c>) and is not <c>.</c> or <c>..</c>.</summary>
    internal static bool IsValidTopicName(string topic) => topic is not ("." or "..") && topic.Length > 0 && topic.All(IsTopicChar);

    private static bool IsTopicChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
