using Sequin.Sinks;
using Sequin.Sinks.Kafka.Tests.Support;

namespace Sequin.Sinks.Kafka.Tests;

public sealed class KafkaSinkSchemaTests
{
    private const string Path = "sinks[0].destination";
    private readonly ISinkSchema _schema = ((ISinkPlugin)new KafkaSink()).Schema;

    private SinkOptionsParseResult Parse(RoutingMode mode, params (string, string?)[] values) =>
        _schema.Parse(Some.Section(values), mode, Path);

    private static string ErrorsOf(SinkOptionsParseResult result) => string.Join(" | ", result.Errors);

    [Fact]
    public void MinimalStaticConfigParsesWithDefaults()
    {
        var result = Parse(RoutingMode.Static, ("type", "kafka"), ("hosts", "localhost:9092"), ("topic", "orders"));

        Assert.True(result.IsValid, ErrorsOf(result));
        var options = Assert.IsType<KafkaSinkOptions>(result.Options);
        Assert.Equal("localhost:9092", options.Hosts);
        Assert.Equal("orders", options.Topic);
        Assert.False(options.Tls);
        Assert.False(options.TlsSkipVerify);
        Assert.Null(options.SaslMechanism);
        Assert.Equal(KafkaCompression.None, options.Compression);
        Assert.Equal(200, options.BatchSize);
        Assert.Equal(5, options.BatchTimeoutMs);
        Assert.Equal(1_000_000, options.MaxMessageBytes);
        Assert.Equal(30_000, options.DeliveryTimeoutMs);
        Assert.False(options.Tombstones);
    }

    [Fact]
    public void EveryFieldParses()
    {
        var result = Parse(RoutingMode.Static,
            ("hosts", "a:9092, b:9093"), ("topic", "t.x_y-z"), ("tls", "true"), ("tls_ca_path", "/etc/ca.pem"), ("tls_skip_verify", "true"),
            ("sasl_mechanism", "scram_sha_512"), ("username", "u"), ("password", "p"), ("compression", "zstd"), ("batch_size", "500"),
            ("batch_timeout_ms", "20"), ("max_message_bytes", "2000000"), ("delivery_timeout_ms", "5000"), ("tombstones", "true"));

        Assert.True(result.IsValid, ErrorsOf(result));
        var o = (KafkaSinkOptions)result.Options;
        Assert.Equal("a:9092, b:9093", o.Hosts);
        Assert.True(o.Tls);
        Assert.Equal("/etc/ca.pem", o.TlsCaPath);
        Assert.True(o.TlsSkipVerify);
        Assert.Equal(KafkaSaslMechanism.ScramSha512, o.SaslMechanism);
        Assert.Equal(("u", "p"), (o.Username, o.Password));
        Assert.Equal(KafkaCompression.Zstd, o.Compression);
        Assert.Equal((500, 20, 2_000_000, 5_000), (o.BatchSize, o.BatchTimeoutMs, o.MaxMessageBytes, o.DeliveryTimeoutMs));
        Assert.True(o.Tombstones);
    }

    [Fact]
    public void MissingHostsIsRejected()
    {
        var result = Parse(RoutingMode.Static, ("topic", "t"));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.hosts", error.Path);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:")]
    [InlineData(":9092")]
    [InlineData("localhost:0")]
    [InlineData("localhost:65536")]
    [InlineData("localhost:port")]
    [InlineData("a:9092,,b:9092")]
    [InlineData("a:9092,b")]
    [InlineData("my host:9092")]
    public void MalformedHostsAreRejected(string hosts)
    {
        var result = Parse(RoutingMode.Static, ("hosts", hosts), ("topic", "t"));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.hosts", error.Path);
        Assert.Contains("comma-separated list of host:port pairs", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:9092")]
    [InlineData("10.0.0.1:1,10.0.0.2:65535")]
    [InlineData("[::1]:9092")]
    [InlineData("b-1.msk.amazonaws.com:9096 , b-2.msk.amazonaws.com:9096")]
    public void WellFormedHostsAreAccepted(string hosts)
    {
        var result = Parse(RoutingMode.Static, ("hosts", hosts), ("topic", "t"));

        Assert.True(result.IsValid, ErrorsOf(result));
    }

    [Fact]
    public void StaticModeWithoutTopicIsRejected()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.topic", error.Path);
        Assert.Contains("Required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DynamicModeClearsTopic()
    {
        var result = Parse(RoutingMode.Dynamic, ("hosts", "localhost:9092"), ("topic", "ignored"));

        Assert.True(result.IsValid, ErrorsOf(result));
        Assert.Null(((KafkaSinkOptions)result.Options).Topic);
    }

    [Fact]
    public void DynamicModeDoesNotRequireTopic()
    {
        var result = Parse(RoutingMode.Dynamic, ("hosts", "localhost:9092"));

        Assert.True(result.IsValid, ErrorsOf(result));
    }

    [Fact]
    public void TopicLongerThan255IsRejected()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", new string('t', 256)));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.topic", error.Path);
        Assert.Contains("at most 255", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/topic")]
    [InlineData("..")]
    public void InvalidTopicNamesAreRejected(string topic)
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", topic));

        Assert.Equal($"{Path}.topic", Assert.Single(result.Errors).Path);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("scram_sha_256")]
    [InlineData("scram_sha_512")]
    public void SaslMechanismRequiresUsernameAndPassword(string mechanism)
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), ("tls", "true"), ("sasl_mechanism", mechanism));

        Assert.Equal(2, result.Errors.Count);
        Assert.Contains(result.Errors, e => e.Path == $"{Path}.username" && e.Message == $"Is required when sasl_mechanism is {mechanism}.");
        Assert.Contains(result.Errors, e => e.Path == $"{Path}.password" && e.Message == $"Is required when sasl_mechanism is {mechanism}.");
    }

    [Fact]
    public void SaslMechanismWithOnlyUsernameRequiresPassword()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), ("tls", "true"), ("sasl_mechanism", "plain"), ("username", "u"));

        Assert.Equal($"{Path}.password", Assert.Single(result.Errors).Path);
    }

    [Theory]
    [InlineData("username", "u")]
    [InlineData("password", "p")]
    public void CredentialsWithoutMechanismAreRejected(string key, string value)
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), (key, value));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.sasl_mechanism", error.Path);
        Assert.StartsWith("Must be set when SASL credentials are provided", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "the password itself")]
    [InlineData("scram_sha_256", "the SCRAM exchange")]
    [InlineData("scram_sha_512", "the SCRAM exchange")]
    public void SaslWithoutTlsIsRefusedNamingTheKeysButNotTheCredentials(string mechanism, string exposed)
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), ("sasl_mechanism", mechanism), ("username", "alice"), ("password", "pw-9f3a1c"));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.tls", error.Path);
        Assert.Equal(
            $"sasl_mechanism: {mechanism} with tls: false would send {exposed} and every message unencrypted. Set tls: true, or allow_sasl_plaintext: true to accept that on a trusted network.",
            error.Message);
        Assert.DoesNotContain("pw-9f3a1c", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SaslWithoutTlsIsAcceptedWhenExplicitlyAllowed()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), ("sasl_mechanism", "plain"), ("username", "u"), ("password", "p"), ("allow_sasl_plaintext", "true"));

        Assert.True(result.IsValid, ErrorsOf(result));
        var options = (KafkaSinkOptions)result.Options;
        Assert.True(options.AllowSaslPlaintext);
        Assert.Contains(new KeyValuePair<string, string>("allow_sasl_plaintext", "true"), _schema.Export(options));
    }

    [Theory]
    [InlineData("false")]
    [InlineData("true")]
    public void AllowSaslPlaintextOnlyAppliesToSaslWithoutTls(string tls)
    {
        var withoutSasl = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), ("tls", tls), ("allow_sasl_plaintext", "true"));
        var withTls = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), ("tls", "true"), ("sasl_mechanism", "plain"), ("username", "u"), ("password", "p"), ("allow_sasl_plaintext", "true"));

        var error = Assert.Single(withoutSasl.Errors);
        Assert.Equal($"{Path}.allow_sasl_plaintext", error.Path);
        Assert.Equal("Only applies with sasl_mechanism and tls: false.", error.Message);
        Assert.Equal($"{Path}.allow_sasl_plaintext", Assert.Single(withTls.Errors).Path);
    }

    [Fact]
    public void UnknownSaslMechanismIsRejected()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), ("sasl_mechanism", "kerberos"), ("username", "u"), ("password", "p"));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.sasl_mechanism", error.Path);
        Assert.Contains("plain, scram_sha_256, scram_sha_512", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCompressionIsRejected()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), ("compression", "brotli"));

        var error = Assert.Single(result.Errors);
        Assert.Contains("none, gzip, snappy, lz4, zstd", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tls_skip_verify", "true")]
    [InlineData("tls_ca_path", "/ca.pem")]
    public void TlsOptionsWithoutTlsAreRejected(string key, string value)
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), (key, value));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.{key}", error.Path);
        Assert.Equal("Only applies with tls: true.", error.Message);
    }

    [Theory]
    [InlineData("batch_size", "0")]
    [InlineData("batch_size", "10001")]
    [InlineData("batch_timeout_ms", "-1")]
    [InlineData("max_message_bytes", "999")]
    [InlineData("delivery_timeout_ms", "10")]
    [InlineData("tls", "yes")]
    [InlineData("tombstones", "1")]
    public void OutOfRangeOrMalformedValuesAreRejected(string key, string value)
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), (key, value));

        Assert.Equal($"{Path}.{key}", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void UnknownFieldIsRejected()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), ("partition_count", "3"));

        Assert.Equal($"{Path}.partition_count", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void EveryMistakeIsReportedAtOnce()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "nope"), ("compression", "brotli"));

        Assert.Equal(3, result.Errors.Count); // hosts, compression, topic
    }

    [Fact]
    public void ExportMasksThePassword()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), ("tls", "true"), ("sasl_mechanism", "plain"), ("username", "alice"), ("password", "s3cret"));

        var exported = _schema.Export(result.Options);

        Assert.Contains(new KeyValuePair<string, string>("password", SinkSchema<KafkaSinkOptions>.MaskedSecret), exported);
        Assert.Contains(new KeyValuePair<string, string>("username", "alice"), exported);
        Assert.Contains(new KeyValuePair<string, string>("sasl_mechanism", "plain"), exported);
        Assert.DoesNotContain(exported, kv => kv.Value.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public void ExportRoundTripsThroughParse()
    {
        var original = Parse(RoutingMode.Static, ("hosts", "a:1,b:2"), ("topic", "t"), ("compression", "lz4"), ("tombstones", "true"), ("batch_size", "50"));

        var exported = _schema.Export(original.Options);
        var reparsed = _schema.Parse(Some.Section(exported.Select(kv => (kv.Key, (string?)kv.Value)).ToArray()), RoutingMode.Static, Path);

        Assert.True(reparsed.IsValid, ErrorsOf(reparsed));
        var o = (KafkaSinkOptions)reparsed.Options;
        Assert.Equal(("a:1,b:2", "t", KafkaCompression.Lz4, true, 50), (o.Hosts, o.Topic, o.Compression, o.Tombstones, o.BatchSize));
    }

    [Fact]
    public void FieldMetadataMarksSecretRequiredAndRoutable()
    {
        var fields = _schema.Fields.ToDictionary(f => f.Name);

        Assert.True(fields["hosts"].Required);
        Assert.True(fields["topic"].Routable);
        Assert.Equal(255, fields["topic"].MaxLength);
        Assert.True(fields["password"].Secret);
        Assert.True(fields["aws_secret_access_key"].Secret);
        Assert.Equal(["plain", "scram_sha_256", "scram_sha_512", "aws_msk_iam"], fields["sasl_mechanism"].AllowedValues);
        Assert.Equal("200", fields["batch_size"].DefaultValue);
        Assert.Equal("1000000", fields["max_message_bytes"].DefaultValue);
        Assert.All(fields.Values.Where(f => f.Name is not "password" and not "aws_secret_access_key"), f => Assert.False(f.Secret));
    }

    [Fact]
    public void TheOriginalsAwsMskIamWithKeysParses()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "b-1.msk.amazonaws.com:9098"), ("topic", "t"), ("tls", "true"), ("sasl_mechanism", "aws_msk_iam"),
            ("aws_region", "us-east-1"), ("aws_access_key_id", "AKID"), ("aws_secret_access_key", "secret"));

        Assert.True(result.IsValid, ErrorsOf(result));
        var o = (KafkaSinkOptions)result.Options;
        Assert.Equal(KafkaSaslMechanism.AwsMskIam, o.SaslMechanism);
        Assert.Equal(("us-east-1", "AKID", "secret"), (o.AwsRegion, o.AwsAccessKeyId, o.AwsSecretAccessKey));
    }

    [Fact]
    public void AwsMskIamWithoutKeysParsesForTheDefaultCredentialChain()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "b-1.msk.amazonaws.com:9098"), ("topic", "t"), ("tls", "true"), ("sasl_mechanism", "aws_msk_iam"), ("aws_region", "eu-west-1"));

        Assert.True(result.IsValid, ErrorsOf(result));
        var o = (KafkaSinkOptions)result.Options;
        Assert.Null(o.AwsAccessKeyId);
        Assert.Null(o.AwsSecretAccessKey);
    }

    [Fact]
    public void AwsMskIamWithoutARegionIsRejectedNamingAwsRegion()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "b-1.msk.amazonaws.com:9098"), ("topic", "t"), ("tls", "true"), ("sasl_mechanism", "aws_msk_iam"),
            ("aws_access_key_id", "AKID"), ("aws_secret_access_key", "secret"));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.aws_region", error.Path);
        Assert.StartsWith("Is required when sasl_mechanism is aws_msk_iam", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aws_access_key_id", "AKID", "aws_secret_access_key")]
    [InlineData("aws_secret_access_key", "secret-value", "aws_access_key_id")]
    public void AwsMskIamWithHalfAKeyPairIsRejectedNamingTheMissingKey(string given, string value, string missing)
    {
        var result = Parse(RoutingMode.Static, ("hosts", "b-1.msk.amazonaws.com:9098"), ("topic", "t"), ("tls", "true"), ("sasl_mechanism", "aws_msk_iam"),
            ("aws_region", "us-east-1"), (given, value));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.{missing}", error.Path);
        Assert.Contains($"Is required when {given} is set", error.Message, StringComparison.Ordinal);
        Assert.Contains("default AWS credential chain", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("username", "alice")]
    [InlineData("password", "pw")]
    public void AwsMskIamWithAUsernameOrPasswordIsRejected(string key, string value)
    {
        var result = Parse(RoutingMode.Static, ("hosts", "b-1.msk.amazonaws.com:9098"), ("topic", "t"), ("tls", "true"), ("sasl_mechanism", "aws_msk_iam"),
            ("aws_region", "us-east-1"), (key, value));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.{key}", error.Path);
        Assert.StartsWith("Does not apply with sasl_mechanism aws_msk_iam", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AwsMskIamWithoutTlsIsRefusedUnlessAllowSaslPlaintext()
    {
        var refused = Parse(RoutingMode.Static, ("hosts", "localhost:9098"), ("topic", "t"), ("sasl_mechanism", "aws_msk_iam"), ("aws_region", "us-east-1"));
        var allowed = Parse(RoutingMode.Static, ("hosts", "localhost:9098"), ("topic", "t"), ("sasl_mechanism", "aws_msk_iam"), ("aws_region", "us-east-1"), ("allow_sasl_plaintext", "true"));

        var error = Assert.Single(refused.Errors);
        Assert.Equal($"{Path}.tls", error.Path);
        Assert.Contains("MSK IAM token", error.Message, StringComparison.Ordinal);
        Assert.True(allowed.IsValid, ErrorsOf(allowed));
    }

    [Theory]
    [InlineData("US-East-1")]
    [InlineData("us east 1")]
    public void AMalformedAwsRegionIsRejected(string region)
    {
        var result = Parse(RoutingMode.Static, ("hosts", "b-1.msk.amazonaws.com:9098"), ("topic", "t"), ("tls", "true"), ("sasl_mechanism", "aws_msk_iam"), ("aws_region", region));

        var error = Assert.Single(result.Errors);
        Assert.Equal($"{Path}.aws_region", error.Path);
        Assert.Contains("an AWS region such as us-east-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportMasksTheAwsSecretAccessKey()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "b-1.msk.amazonaws.com:9098"), ("topic", "t"), ("tls", "true"), ("sasl_mechanism", "aws_msk_iam"),
            ("aws_region", "us-east-1"), ("aws_access_key_id", "AKIDEXAMPLE"), ("aws_secret_access_key", "wJalrXUtnFEMI"));

        var exported = _schema.Export(result.Options);

        Assert.Contains(new KeyValuePair<string, string>("aws_secret_access_key", SinkSchema<KafkaSinkOptions>.MaskedSecret), exported);
        Assert.Contains(new KeyValuePair<string, string>("aws_access_key_id", "AKIDEXAMPLE"), exported);
        Assert.Contains(new KeyValuePair<string, string>("aws_region", "us-east-1"), exported);
        Assert.Contains(new KeyValuePair<string, string>("sasl_mechanism", "aws_msk_iam"), exported);
        Assert.DoesNotContain(exported, kv => kv.Value.Contains("wJalrXUtnFEMI", StringComparison.Ordinal));
    }

    [Fact]
    public void TheAwsFieldsAreDescribedAsWorkingFields()
    {
        var fields = _schema.Fields.ToDictionary(f => f.Name);

        foreach (var name in new[] { "aws_region", "aws_access_key_id", "aws_secret_access_key", "sasl_mechanism" })
        {
            Assert.DoesNotContain("not supported", fields[name].Description, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("aws_", fields[name].Description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AwsKeysWithoutAwsMskIamAreRejected()
    {
        var result = Parse(RoutingMode.Static, ("hosts", "localhost:9092"), ("topic", "t"), ("aws_region", "us-east-1"));

        Assert.Equal("sinks[0].destination.aws_region: Only applies with sasl_mechanism: aws_msk_iam; remove it.", Assert.Single(result.Errors).ToString());
    }
}
