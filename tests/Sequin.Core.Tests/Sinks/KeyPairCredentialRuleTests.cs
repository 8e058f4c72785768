using Sequin.Sinks;

namespace Sequin.Core.Tests.Sinks;

/// <summary>Credentials given exactly one way: a whole key pair, or ambient credentials; errors name the sink's keys.</summary>
public sealed class KeyPairCredentialRuleTests
{
    private static readonly KeyPairCredentialRule Rule = new("key_id", "key_secret", "use_ambient", "the machine's identity");

    [Theory]
    [InlineData("id", "secret", false)]
    [InlineData(null, null, true)]
    [InlineData("", "", true)]
    public void OneWayIsAccepted(string? keyId, string? secret, bool ambient)
    {
        Assert.Empty(Validate(keyId, secret, ambient));
    }

    [Theory]
    [InlineData("id", null, true, "key_id", "Give either use_ambient: true (the machine's identity) or key_id and key_secret, not both.")]
    [InlineData(null, "secret", true, "key_secret", "Give either use_ambient: true (the machine's identity) or key_id and key_secret, not both.")]
    [InlineData(null, null, false, "key_id", "Credentials are required: set key_id and key_secret, or use_ambient: true for the machine's identity.")]
    [InlineData(null, "secret", false, "key_id", "Required with key_secret.")]
    [InlineData("id", "", false, "key_secret", "Required with key_id.")]
    public void AnythingElseIsOneErrorOnTheKeyConcerned(string? keyId, string? secret, bool ambient, string key, string message)
    {
        var error = Assert.Single(Validate(keyId, secret, ambient));

        Assert.Equal((key, message), error);
    }

    [Fact]
    public void TheSecretIsNeverEchoed()
    {
        var errors = Validate("id", "s3cr3t-value", true);

        Assert.DoesNotContain(errors, e => e.Message.Contains("s3cr3t", StringComparison.Ordinal));
    }

    private static List<(string Key, string Message)> Validate(string? keyId, string? secret, bool ambient)
    {
        var errors = new List<(string, string)>();
        Rule.Validate(keyId, secret, ambient, (key, message) => errors.Add((key, message)));
        return errors;
    }
}
