using System.Buffers.Text;
using System.Text;
using Amazon.Runtime;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Sequin.Sinks.Kafka.Internal;
using Sequin.Sinks.Kafka.Tests.Support;
using Sequin.TestServers;

namespace Sequin.Sinks.Kafka.Tests;

/// <summary>
/// <c>sasl_mechanism: aws_msk_iam</c> through real librdkafka clients: the producer's and the connection test's token
/// refresh handlers hand librdkafka a signed token, which it sends in its SASL/OAUTHBEARER login to a listener that
/// records it (librdkafka's mock cluster has no SASL); failures reach librdkafka as token failures with their reason.
/// </summary>
public sealed class KafkaMskIamTests
{
    private const string Region = "eu-central-1";
    private const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static KafkaSinkOptions Options(string hosts, bool tls = false) => new()
    {
        Hosts = hosts,
        Tls = tls,
        AllowSaslPlaintext = !tls, // the test listener has no TLS
        SaslMechanism = KafkaSaslMechanism.AwsMskIam,
        AwsRegion = Region,
        AwsAccessKeyId = AccessKey,
        AwsSecretAccessKey = SecretKey,
        DeliveryTimeoutMs = 1_000,
    };

    /// <summary>A clock fixed at the current second: tokens are reproducible, and librdkafka accepts them (it refuses expired ones).</summary>
    private static FixedTime Now() => new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    private static MskIamTokenProvider Provider(TimeProvider time, string sessionToken = "session-token") =>
        new(Region, _ => ValueTask.FromResult(new ImmutableCredentials(AccessKey, SecretKey, sessionToken)), "a test key", time);

    [Fact]
    public void TheClientConfigIsSaslSslWithOAuthBearerAndNoUsernameOrPassword()
    {
        var config = KafkaProducerConfigFactory.CreateProducerConfig(Options("b-1.msk.example:9098", tls: true), "sequin-test");

        Assert.Equal(SecurityProtocol.SaslSsl, config.SecurityProtocol);
        Assert.Equal(SaslMechanism.OAuthBearer, config.SaslMechanism);
        Assert.Null(config.SaslUsername);
        Assert.Null(config.SaslPassword);
        Assert.Null(config.SaslOauthbearerMethod); // not librdkafka's own OIDC flow: the refresh handler supplies tokens
        Assert.True(config.EnableSslCertificateVerification);
        Assert.DoesNotContain(config, kv => kv.Value?.Contains(SecretKey, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task TheProducerLogsInWithTheTokenSignedAtItsClock()
    {
        await using var broker = new OAuthBearerBroker();
        var time = Now();
        await using var client = new KafkaSinkClient(Options(broker.BootstrapServers), sinkName: "msk", mskIam: Provider(time));

        ((IKafkaMessageProducer)client).Produce("orders", new Message<byte[]?, byte[]?> { Value = [1] }, _ => { });
        await Eventually.UntilAsync(() => broker.Tokens.Count > 0, () => "the producer logs in", Wait);

        var expected = MskIamTokenSigner.Create(Region, new ImmutableCredentials(AccessKey, SecretKey, "session-token"), time.GetUtcNow(), MskIamTokenProvider.UserAgent);
        Assert.Equal(expected.Value, broker.Tokens[0]);
        Assert.Equal("OAUTHBEARER", broker.Mechanisms[0]);
        var url = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(broker.Tokens[0]));
        Assert.StartsWith("https://kafka.eu-central-1.amazonaws.com/?Action=kafka-cluster%3AConnect&", url, StringComparison.Ordinal);
        Assert.Contains("&X-Amz-Security-Token=session-token&", url, StringComparison.Ordinal);
        Assert.NotNull(client.ProducerTokenRefresher);
    }

    [Fact]
    public async Task TheCredentialTestLogsInWithTheKeysOfTheOptionsAndReportsTheBrokersRefusal()
    {
        await using var broker = new OAuthBearerBroker();
        await using var client = new KafkaSinkClient(Options(broker.BootstrapServers)) { TestTimeout = TimeSpan.FromSeconds(30) };

        var result = await client.TestCredentialsAsync(CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains(OAuthBearerBroker.Rejection, result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, result.Message, StringComparison.Ordinal);
        var token = Assert.Single(broker.Tokens.Distinct());
        var url = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        Assert.Contains("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F", url, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Amz-Security-Token", url, StringComparison.Ordinal); // long-term keys have none
        Assert.EndsWith("&User-Agent=" + Uri.EscapeDataString(MskIamTokenProvider.UserAgent), url, StringComparison.Ordinal);

        // The signature is the signer's for the token's own X-Amz-Date.
        var date = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["X-Amz-Date"]!;
        var signedAt = DateTimeOffset.ParseExact(date, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.Equal(MskIamTokenSigner.Create(Region, new ImmutableCredentials(AccessKey, SecretKey, null), signedAt, MskIamTokenProvider.UserAgent).Value, token);
    }

    [Fact]
    public async Task WhenNoCredentialsAreFoundLibrdkafkaReportsTheReasonAndNoTokenIsSent()
    {
        await using var broker = new OAuthBearerBroker();
        var failing = new MskIamTokenProvider(
            Region,
            _ => throw new AmazonClientException("Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors: none found."),
            "the default AWS credential chain",
            TimeProvider.System);
        await using var client = new KafkaSinkClient(Options(broker.BootstrapServers), mskIam: failing) { TestTimeout = TimeSpan.FromSeconds(30) };

        var result = await client.TestCredentialsAsync(CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("Failed to acquire SASL OAUTHBEARER token", result.Message, StringComparison.Ordinal);
        Assert.Contains("aws_msk_iam: could not sign an MSK IAM token for eu-central-1 with credentials from the default AWS credential chain: AmazonClientException: Failed to resolve AWS credentials", result.Message, StringComparison.Ordinal);
        Assert.Empty(broker.Tokens);
    }

    [Fact]
    public async Task ATokenAlreadyExpiredByTheLocalClockIsRefusedWithTheReason()
    {
        await using var broker = new OAuthBearerBroker();
        var hourAgo = new FixedTime(DateTimeOffset.UtcNow.AddHours(-1)); // a signing clock far behind: the token expired 45 minutes ago
        await using var client = new KafkaSinkClient(Options(broker.BootstrapServers), mskIam: Provider(hourAgo)) { TestTimeout = TimeSpan.FromSeconds(30) };

        var result = await client.TestCredentialsAsync(CancellationToken.None);

        Assert.False(result.Success);
        Assert.Contains("aws_msk_iam: librdkafka refused the MSK IAM token for eu-central-1", result.Message, StringComparison.Ordinal);
        Assert.Empty(broker.Tokens);
    }

    [Fact]
    public async Task ADisposedRefresherNeitherFetchesCredentialsNorHandsATokenOver()
    {
        var credentialCalls = 0;
        using var provider = new MskIamTokenProvider(
            Region,
            _ =>
            {
                Interlocked.Increment(ref credentialCalls);
                return ValueTask.FromResult(new ImmutableCredentials(AccessKey, SecretKey, null));
            },
            "a test key",
            Now());
        KafkaNativeLibrary.EnsureLoaded();
        using var producer = new ProducerBuilder<Null, byte[]>(KafkaProducerConfigFactory.CreateProducerConfig(Options("127.0.0.1:9"), "sequin-test"))
            .SetOAuthBearerTokenRefreshHandler((_, _) => { })
            .Build();
        var open = new MskIamTokenRefresher(provider, NullLogger.Instance, "msk");
        var disposed = new MskIamTokenRefresher(provider, NullLogger.Instance, "msk");
        disposed.Dispose();

        await disposed.RefreshAsync(producer);
        Assert.Equal(0, credentialCalls);

        await open.RefreshAsync(producer); // the control: an open refresher does
        Assert.Equal(1, credentialCalls);
        open.Dispose();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
