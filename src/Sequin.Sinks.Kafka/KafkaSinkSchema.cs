using System.Globalization;

namespace Sequin.Sinks.Kafka;

/// <summary>
/// The <c>destination:</c> fields of a Kafka sink (<c>type: kafka</c>): parsing, validation with the original's rules
/// (hosts as <c>host:port</c> pairs, SASL credentials and mechanism together, <c>topic</c> required in static mode and
/// cleared in dynamic mode), SASL refused without TLS unless <c>allow_sasl_plaintext</c>, and export with the password
/// masked.
/// </summary>
public sealed class KafkaSinkSchema : SinkSchema<KafkaSinkOptions>
{
    /// <summary>The longest accepted topic name.</summary>
    public const int MaxTopicLength = 255;

    /// <summary>Declares the fields.</summary>
    public KafkaSinkSchema()
    {
        AddString(
            new SinkField("hosts", SinkFieldType.Text, "Bootstrap brokers: a comma-separated list of host:port pairs.") { Required = true },
            o => o.Hosts.Length == 0 ? null : o.Hosts,
            (o, v) => o.Hosts = v.Trim(),
            ValidateHosts);
        AddString(
            new SinkField("topic", SinkFieldType.Text, "The topic every message goes to (static routing).") { Routable = true, MaxLength = MaxTopicLength },
            o => o.Topic,
            (o, v) => o.Topic = v,
            ValidateTopic);
        AddBoolean(
            new SinkField("tls", SinkFieldType.Boolean, "Connect with TLS; the server certificate is verified.") { DefaultValue = "false" },
            o => o.Tls,
            (o, v) => o.Tls = v);
        AddString(
            new SinkField("tls_ca_path", SinkFieldType.Text, "PEM file of CA certificates to verify the brokers with (default: the system store)."),
            o => o.TlsCaPath,
            (o, v) => o.TlsCaPath = v);
        AddBoolean(
            new SinkField("tls_skip_verify", SinkFieldType.Boolean, "Skip verifying the brokers' certificate and host name (self-signed test brokers only).") { DefaultValue = "false" },
            o => o.TlsSkipVerify,
            (o, v) => o.TlsSkipVerify = v);
        AddEnum<KafkaSaslMechanism>(
            new SinkField("sasl_mechanism", SinkFieldType.Enum, "SASL authentication mechanism, used with username and password."),
            o => o.SaslMechanism,
            (o, v) => o.SaslMechanism = v);
        AddString(
            new SinkField("username", SinkFieldType.Text, "SASL user name."),
            o => o.Username,
            (o, v) => o.Username = v);
        AddString(
            new SinkField("password", SinkFieldType.Text, "SASL password.") { Secret = true },
            o => o.Password,
            (o, v) => o.Password = v);
        AddBoolean(
            new SinkField("allow_sasl_plaintext", SinkFieldType.Boolean, "Accept SASL with tls: false, sending the credentials and messages unencrypted (trusted networks only).") { DefaultValue = "false" },
            o => o.AllowSaslPlaintext,
            (o, v) => o.AllowSaslPlaintext = v);
        AddEnum<KafkaCompression>(
            new SinkField("compression", SinkFieldType.Enum, "Compression of produced batches.")
            {
                DefaultValue = "none",
                AllowedValues = ["none", "gzip", "snappy", "lz4", "zstd"],
            },
            o => o.Compression,
            (o, v) => o.Compression = v);
        AddInteger(
            new SinkField("batch_size", SinkFieldType.WholeNumber, "Most messages per batch (the sink's own batch_size overrides it).") { DefaultValue = "200", Minimum = 1, Maximum = 10_000 },
            o => o.BatchSize,
            (o, v) => o.BatchSize = (int)v);
        AddInteger(
            new SinkField("batch_timeout_ms", SinkFieldType.WholeNumber, "How long a partial batch waits for more messages, in ms (the sink's own batch_timeout_ms overrides it).") { DefaultValue = "5", Minimum = 0, Maximum = 60_000 },
            o => o.BatchTimeoutMs,
            (o, v) => o.BatchTimeoutMs = (int)v);
        AddInteger(
            new SinkField("max_message_bytes", SinkFieldType.WholeNumber, "Largest message (key + value + headers) sent; larger ones fail permanently with a clear error.") { DefaultValue = "1000000", Minimum = 1_000, Maximum = 1_000_000_000 },
            o => o.MaxMessageBytes,
            (o, v) => o.MaxMessageBytes = (int)v);
        AddInteger(
            new SinkField("delivery_timeout_ms", SinkFieldType.WholeNumber, "How long the producer retries a message before reporting it failed, in ms.") { DefaultValue = "30000", Minimum = 1_000, Maximum = 3_600_000 },
            o => o.DeliveryTimeoutMs,
            (o, v) => o.DeliveryTimeoutMs = (int)v);
        AddBoolean(
            new SinkField("tombstones", SinkFieldType.Boolean, "For deletes, also send a tombstone (same key, null value) for compacted topics.") { DefaultValue = "false" },
            o => o.Tombstones,
            (o, v) => o.Tombstones = v);
    }

    /// <inheritdoc />
    protected override void Validate(KafkaSinkOptions options, RoutingMode mode, Action<string, string> report)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        if (options.SaslMechanism is { } mechanism)
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
        else if (!string.IsNullOrEmpty(options.Username) || !string.IsNullOrEmpty(options.Password))
        {
            report("sasl_mechanism", "Must be set when SASL credentials are provided (plain, scram_sha_256 or scram_sha_512).");
        }

        if (options.SaslMechanism is { } saslMechanism && !options.Tls && !options.AllowSaslPlaintext)
        {
            report("tls", SaslPlaintextRefused(saslMechanism));
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

    /// <summary>Why SASL without TLS is refused: names the keys, never the credentials.</summary>
    internal static string SaslPlaintextRefused(KafkaSaslMechanism mechanism)
    {
        var name = SinkNames.SnakeCase(mechanism.ToString());
        var exposed = mechanism == KafkaSaslMechanism.Plain ? "the password itself" : "the SCRAM exchange";
        return $"sasl_mechanism: {name} with tls: false would send {exposed} and every message unencrypted. Set tls: true, or allow_sasl_plaintext: true to accept that on a trusted network.";
    }

    /// <summary>Checks a <c>hosts</c> value: a comma-separated list of <c>host:port</c>, every port 1 to 65535.</summary>
    /// <returns>Null when valid, otherwise the error.</returns>
    internal static string? ValidateHosts(string value)
    {
        var entries = value.Split(',', StringSplitOptions.TrimEntries);
        foreach (var entry in entries)
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

    private static string? ValidateTopic(string value) =>
        KafkaRoutedConsumer.IsValidTopicName(value)
            ? null
            : $"Must be a Kafka topic name: ASCII letters, digits, '.', '_' and '-', not '.' or '..' (got '{value}').";
}
