using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using Amazon.Runtime;
using Sequin.Sinks.Kafka.Internal;

namespace Sequin.Sinks.Kafka.Tests.Internal;

/// <summary>
/// The MSK IAM token against what AWS's published signers produce for the same inputs. The vectors were made by running
/// aws-msk-iam-sasl-signer-python 1.0.2 (its unmodified module, on botocore 1.43) and aws-msk-iam-sasl-signer-js 1.0.3
/// with the clock fixed at 2024-05-01T12:34:56Z and fixed credentials; the scripts are in MskIamTokenVectors.md.
/// </summary>
public sealed class MskIamTokenSignerTests
{
    private const string Region = "eu-central-1";
    private const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string SessionToken = "IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=chars";
    private const string PythonUserAgent = "aws-msk-iam-sasl-signer-python/1.0.2";

    /// <summary>aws-msk-iam-sasl-signer-python 1.0.2, with a session token.</summary>
    private const string PythonTokenWithSessionToken =
        "aHR0cHM6Ly9rYWZrYS5ldS1jZW50cmFsLTEuYW1hem9uYXdzLmNvbS8_QWN0aW9uPWthZmthLWNsdXN0ZXIlM0FDb25uZWN0JlgtQW16LUFsZ29yaXRobT1BV1M0LUhNQUMtU0hBMjU2JlgtQW16LUNyZWRlbnRpYWw9QUtJQUlPU0ZPRE5ON0VYQU1QTEUlMkYyMDI0MDUwMSUyRmV1LWNlbnRyYWwtMSUyRmthZmthLWNsdXN0ZXIlMkZhd3M0X3JlcXVlc3QmWC1BbXotRGF0ZT0yMDI0MDUwMVQxMjM0NTZaJlgtQW16LUV4cGlyZXM9OTAwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCZYLUFtei1TZWN1cml0eS1Ub2tlbj1JUW9KYjNKcFoybHVYMlZqRVhBTVBMRSUyRlRPS0VOJTJCd2l0aCUzRGNoYXJzJlgtQW16LVNpZ25hdHVyZT0wOTQ0MWE3M2EwNWQzYmQ2MGViZGYyMGE3OGQ0OTgxMTE2Njc4OGQ3NjBlOTU2NjlhOWNjOGZmYmIwNWM5MzZkJlVzZXItQWdlbnQ9YXdzLW1zay1pYW0tc2FzbC1zaWduZXItcHl0aG9uJTJGMS4wLjI";

    /// <summary>aws-msk-iam-sasl-signer-python 1.0.2, long-term keys (no session token).</summary>
    private const string PythonTokenWithoutSessionToken =
        "aHR0cHM6Ly9rYWZrYS5ldS1jZW50cmFsLTEuYW1hem9uYXdzLmNvbS8_QWN0aW9uPWthZmthLWNsdXN0ZXIlM0FDb25uZWN0JlgtQW16LUFsZ29yaXRobT1BV1M0LUhNQUMtU0hBMjU2JlgtQW16LUNyZWRlbnRpYWw9QUtJQUlPU0ZPRE5ON0VYQU1QTEUlMkYyMDI0MDUwMSUyRmV1LWNlbnRyYWwtMSUyRmthZmthLWNsdXN0ZXIlMkZhd3M0X3JlcXVlc3QmWC1BbXotRGF0ZT0yMDI0MDUwMVQxMjM0NTZaJlgtQW16LUV4cGlyZXM9OTAwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCZYLUFtei1TaWduYXR1cmU9ZDU5OTM0MzA1YTNkNjg1YjA0NzRlMDlkMTk0YzY2MzAwNGIzOTY1Mjc3N2RiNzNhY2EyMWYxNzdjMjZjZmRhMiZVc2VyLUFnZW50PWF3cy1tc2staWFtLXNhc2wtc2lnbmVyLXB5dGhvbiUyRjEuMC4y";

    /// <summary>aws-msk-iam-sasl-signer-js 1.0.3, with a session token: its parameters in another order, the same signature.</summary>
    private const string JavaScriptTokenWithSessionToken =
        "aHR0cHM6Ly9rYWZrYS5ldS1jZW50cmFsLTEuYW1hem9uYXdzLmNvbS8_QWN0aW9uPWthZmthLWNsdXN0ZXIlM0FDb25uZWN0JlVzZXItQWdlbnQ9YXdzLW1zay1pYW0tc2FzbC1zaWduZXItanMlMkYxLjAuMyZYLUFtei1BbGdvcml0aG09QVdTNC1ITUFDLVNIQTI1NiZYLUFtei1DcmVkZW50aWFsPUFLSUFJT1NGT0ROTjdFWEFNUExFJTJGMjAyNDA1MDElMkZldS1jZW50cmFsLTElMkZrYWZrYS1jbHVzdGVyJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNDA1MDFUMTIzNDU2WiZYLUFtei1FeHBpcmVzPTkwMCZYLUFtei1TZWN1cml0eS1Ub2tlbj1JUW9KYjNKcFoybHVYMlZqRVhBTVBMRSUyRlRPS0VOJTJCd2l0aCUzRGNoYXJzJlgtQW16LVNpZ25hdHVyZT0wOTQ0MWE3M2EwNWQzYmQ2MGViZGYyMGE3OGQ0OTgxMTE2Njc4OGQ3NjBlOTU2NjlhOWNjOGZmYmIwNWM5MzZkJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdA";

    private static readonly DateTimeOffset SignedAt = new(2024, 5, 1, 12, 34, 56, TimeSpan.Zero);

    private static string Decode(string token) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));

    private static System.Collections.Specialized.NameValueCollection Query(string token) => HttpUtility.ParseQueryString(new Uri(Decode(token)).Query);

    [Fact]
    public void WithASessionTokenTheTokenIsTheOneThePythonSignerMakes()
    {
        var token = MskIamTokenSigner.Create(Region, new ImmutableCredentials(AccessKey, SecretKey, SessionToken), SignedAt, PythonUserAgent);

        Assert.Equal(PythonTokenWithSessionToken, token.Value);
    }

    [Fact]
    public void WithLongTermKeysTheTokenIsTheOneThePythonSignerMakes()
    {
        var token = MskIamTokenSigner.Create(Region, new ImmutableCredentials(AccessKey, SecretKey, null), SignedAt, PythonUserAgent);

        Assert.Equal(PythonTokenWithoutSessionToken, token.Value);
        Assert.Null(Query(token.Value)["X-Amz-Security-Token"]);
    }

    [Fact]
    public void TheSignatureAndEverySignedParameterEqualTheJavaScriptSigners()
    {
        var token = MskIamTokenSigner.Create(Region, new ImmutableCredentials(AccessKey, SecretKey, SessionToken), SignedAt, "any");

        var ours = Query(token.Value);
        var theirs = Query(JavaScriptTokenWithSessionToken);
        foreach (var key in new[] { "Action", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Security-Token", "X-Amz-SignedHeaders", "X-Amz-Signature" })
        {
            Assert.Equal(theirs[key], ours[key]);
        }

        Assert.Equal(new Uri(Decode(JavaScriptTokenWithSessionToken)).GetLeftPart(UriPartial.Path), new Uri(Decode(token.Value)).GetLeftPart(UriPartial.Path));
    }

    [Fact]
    public void TheSignatureIsAwsDocumentedSigV4OfThePresignedGet()
    {
        // Recomputed here from AWS's SigV4 description (canonical request, string to sign, derived key), without AWSSDK.
        var token = MskIamTokenSigner.Create(Region, new ImmutableCredentials(AccessKey, SecretKey, SessionToken), SignedAt, "any");
        const string CanonicalQuery =
            "Action=kafka-cluster%3AConnect&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240501%2Feu-central-1%2Fkafka-cluster%2Faws4_request"
            + "&X-Amz-Date=20240501T123456Z&X-Amz-Expires=900"
            + "&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE%2FTOKEN%2Bwith%3Dchars&X-Amz-SignedHeaders=host";
        var canonicalRequest = "GET\n/\n" + CanonicalQuery + "\nhost:kafka.eu-central-1.amazonaws.com\n\nhost\n" + Hex(SHA256.HashData([]));
        var stringToSign = "AWS4-HMAC-SHA256\n20240501T123456Z\n20240501/eu-central-1/kafka-cluster/aws4_request\n"
            + Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + SecretKey), "20240501");
        key = Hmac(key, Region);
        key = Hmac(key, "kafka-cluster");
        key = Hmac(key, "aws4_request");

        Assert.Equal(Hex(Hmac(key, stringToSign)), Query(token.Value)["X-Amz-Signature"]);
    }

    [Fact]
    public void TheUrlHasTheActionTheSigningScopeAndTheUserAgentLast()
    {
        var token = MskIamTokenSigner.Create("us-west-2", new ImmutableCredentials(AccessKey, SecretKey, null), SignedAt, "sequin-kafka-sink/1.2.3");

        var url = Decode(token.Value);
        Assert.StartsWith("https://kafka.us-west-2.amazonaws.com/?Action=kafka-cluster%3AConnect&X-Amz-Algorithm=AWS4-HMAC-SHA256&", url, StringComparison.Ordinal);
        Assert.EndsWith("&User-Agent=sequin-kafka-sink%2F1.2.3", url, StringComparison.Ordinal);
        var query = Query(token.Value);
        Assert.Equal("AKIAIOSFODNN7EXAMPLE/20240501/us-west-2/kafka-cluster/aws4_request", query["X-Amz-Credential"]);
        Assert.Equal("900", query["X-Amz-Expires"]);
        Assert.Equal("host", query["X-Amz-SignedHeaders"]);
    }

    [Fact]
    public void TheTokenIsBase64UrlWithoutPadding()
    {
        // Lengths that would need one and two padding characters, and content whose standard base64 has '+' and '/'.
        foreach (var agent in new[] { "a", "ab", "abc", "???>>>" })
        {
            var token = MskIamTokenSigner.Create(Region, new ImmutableCredentials(AccessKey, SecretKey, SessionToken), SignedAt, agent).Value;

            Assert.DoesNotContain('=', token);
            Assert.DoesNotContain('+', token);
            Assert.DoesNotContain('/', token);
            Assert.All(token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' in {token}"));
        }
    }

    [Fact]
    public void ItExpiresNineHundredSecondsAfterTheWholeSecondItWasSignedIn()
    {
        var now = new DateTimeOffset(2024, 5, 1, 12, 34, 56, TimeSpan.Zero).AddMilliseconds(987);

        var token = MskIamTokenSigner.Create(Region, new ImmutableCredentials(AccessKey, SecretKey, null), now, "any");

        Assert.Equal("20240501T123456Z", Query(token.Value)["X-Amz-Date"]);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 49, 56, TimeSpan.Zero), token.ExpiresAt);
        Assert.Equal(1_714_567_796_000, token.ExpiresAt.ToUnixTimeMilliseconds()); // the Python and JavaScript signers' expiry for this time
    }

    [Fact]
    public void ATimeWithAnOffsetIsSignedAsUtc()
    {
        var token = MskIamTokenSigner.Create(Region, new ImmutableCredentials(AccessKey, SecretKey, SessionToken), SignedAt.ToOffset(TimeSpan.FromHours(-7)), PythonUserAgent);

        Assert.Equal(PythonTokenWithSessionToken, token.Value);
    }

    [Fact]
    public void ItsTextNamesTheExpiryButNotTheToken()
    {
        var token = MskIamTokenSigner.Create(Region, new ImmutableCredentials(AccessKey, SecretKey, SessionToken), SignedAt, "any");

        Assert.DoesNotContain(token.Value, token.ToString(), StringComparison.Ordinal);
        Assert.Contains("2024-05-01T12:49:56", token.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ABlankRegionIsRejected()
    {
        Assert.Throws<ArgumentException>(() => MskIamTokenSigner.Create(" ", new ImmutableCredentials(AccessKey, SecretKey, null), SignedAt, "any"));
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
