using System.Text;
using Amazon.Runtime;
using Sequin.Sinks.Sns.Internal;

namespace Sequin.Sinks.Sns.Tests.Internal;

/// <summary>AWSSDK.Core's signer through our canonicalization, against AWS's published SigV4 test suite.</summary>
public sealed class SigV4SignerTests
{
    private static readonly ImmutableCredentials Suite = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTime SignedAt = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);

    [Fact]
    public void GetVanillaGivesThePublishedSignature()
    {
        var signature = SigV4Signer.Sign(
            "GET",
            new Uri("https://example.amazonaws.com/"),
            [new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z")],
            [],
            Suite,
            "us-east-1",
            "service",
            SignedAt);

        Assert.Equal("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", signature.CanonicalRequest);
        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", signature.Signature);
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            signature.Authorization);
    }

    [Fact]
    public void PostXWwwFormUrlencodedGivesThePublishedSignature()
    {
        var signature = SigV4Signer.Sign(
            "POST",
            new Uri("https://example.amazonaws.com/"),
            [new("Content-Type", "application/x-www-form-urlencoded"), new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z")],
            Encoding.UTF8.GetBytes("Param1=value1"),
            Suite,
            "us-east-1",
            "service",
            SignedAt);

        Assert.Equal("content-type;host;x-amz-date", signature.SignedHeaders);
        Assert.Equal("ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a", signature.Signature);
    }

    [Fact]
    public void PostVanillaQueryGivesThePublishedSignature()
    {
        var signature = SigV4Signer.Sign(
            "POST",
            new Uri("https://example.amazonaws.com/?Param1=value1"),
            [new("Host", "example.amazonaws.com"), new("X-Amz-Date", "20150830T123600Z")],
            [],
            Suite,
            "us-east-1",
            "service",
            SignedAt);

        Assert.Equal("28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11", signature.Signature);
    }

    [Fact]
    public void TheSdkSignerAgreesWithTheFakeServersIndependentImplementation()
    {
        var headers = new KeyValuePair<string, string>[] { new("content-type", "application/x-www-form-urlencoded; charset=utf-8"), new("host", "127.0.0.1:4566"), new("x-amz-date", "20260101T000000Z") };
        var body = Encoding.UTF8.GetBytes("Action=ListTopics&Version=2010-03-31");
        var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var ours = SigV4Signer.Sign("POST", new Uri("http://127.0.0.1:4566/"), headers, body, Suite, "eu-west-1", "sns", at);
        var theirs = Sequin.TestServers.Aws.SnsFakeServer.ComputeSignature(Suite.SecretKey, "20260101T000000Z", "eu-west-1", "sns", ours.CanonicalRequest);

        Assert.Equal(theirs, ours.Signature);
    }

    [Fact]
    public void FormEncodingUsesRfc3986PercentEncoding()
    {
        var form = SnsQueryApi.EncodeForm("Publish", [new("Message", "{\"a\":\"b c+d/é~\"}")]);

        Assert.Equal("Action=Publish&Version=2010-03-31&Message=%7B%22a%22%3A%22b%20c%2Bd%2F%C3%A9~%22%7D", form);
    }
}
