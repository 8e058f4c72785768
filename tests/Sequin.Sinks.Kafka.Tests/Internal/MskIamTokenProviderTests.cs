using System.Buffers.Text;
using System.Text;
using Amazon.Runtime;
using Sequin.Sinks.Kafka.Internal;
using Sequin.Sinks.Kafka.Tests.Support;

namespace Sequin.Sinks.Kafka.Tests.Internal;

/// <summary>Where the MSK IAM token's credentials come from: the options' key pair, or the default AWS credential chain.</summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class MskIamTokenProviderTests
{
    private static readonly DateTimeOffset SignedAt = new(2024, 5, 1, 12, 34, 56, TimeSpan.Zero);

    private static KafkaSinkOptions Options(string? key, string? secret, string? region = "us-east-1") => new()
    {
        Hosts = "b-1.msk.example:9098",
        Tls = true,
        SaslMechanism = KafkaSaslMechanism.AwsMskIam,
        AwsRegion = region,
        AwsAccessKeyId = key,
        AwsSecretAccessKey = secret,
    };

    private static string Url(MskIamAuthToken token) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Value));

    [Fact]
    public async Task TheOptionsKeysSignAtTheProvidersClock()
    {
        using var provider = MskIamTokenProvider.Create(Options("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), new FixedTime(SignedAt));

        var token = await provider.CreateTokenAsync(CancellationToken.None);

        var expected = MskIamTokenSigner.Create("us-east-1", new ImmutableCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", null), SignedAt, MskIamTokenProvider.UserAgent);
        Assert.Equal(expected, token);
        Assert.Equal(SignedAt.AddSeconds(900), token.ExpiresAt);
        Assert.Equal("access key ****MPLE", provider.CredentialSource);
        Assert.StartsWith("sequin-kafka-sink/", MskIamTokenProvider.UserAgent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutKeysTheDefaultCredentialChainSignsWithItsSessionToken()
    {
        // The .NET SDK's chain reads a shared profile before the environment: point it at files that do not exist.
        var nowhere = Path.Combine(Path.GetTempPath(), "sequin-no-aws-" + Guid.NewGuid().ToString("N"));
        using var environment = new AwsEnvironment(
            ("AWS_ACCESS_KEY_ID", "ASIACHAINEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "chain-secret"),
            ("AWS_SESSION_TOKEN", "chain-session"),
            ("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(nowhere, "credentials")),
            ("AWS_CONFIG_FILE", Path.Combine(nowhere, "config")));
        using var provider = MskIamTokenProvider.Create(Options(null, null), new FixedTime(SignedAt));

        var token = await provider.CreateTokenAsync(CancellationToken.None);

        Assert.Equal("the default AWS credential chain", provider.CredentialSource);
        var expected = MskIamTokenSigner.Create("us-east-1", new ImmutableCredentials("ASIACHAINEXAMPLE", "chain-secret", "chain-session"), SignedAt, MskIamTokenProvider.UserAgent);
        Assert.Equal(expected, token);
        Assert.Contains("X-Amz-Security-Token=chain-session&", Url(token), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AKID", null, "us-east-1", "aws_access_key_id and aws_secret_access_key go together")]
    [InlineData(null, "s3cr3t-value", "us-east-1", "aws_access_key_id and aws_secret_access_key go together")]
    [InlineData("AKID", "s3cr3t-value", null, "aws_region is required")]
    public void OptionsThatValidationRefusesAreRefusedInCodeToo(string? key, string? secret, string? region, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => MskIamTokenProvider.Create(Options(key, secret, region), TimeProvider.System));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", ex.Message, StringComparison.Ordinal);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
