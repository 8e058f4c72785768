using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace Sequin.Sinks.Kafka.Internal;

/// <summary>
/// Builds the AWS MSK IAM authentication token, as AWS's aws-msk-iam-sasl-signer libraries do: a SigV4-presigned
/// <c>GET https://kafka.&lt;region&gt;.amazonaws.com/?Action=kafka-cluster:Connect</c> for the service
/// <c>kafka-cluster</c>, valid 900 s, with a <c>User-Agent</c> parameter appended after the signature, encoded as
/// base64url without padding. The URL is laid out exactly as the Python signer lays it out (Action, the X-Amz-*
/// parameters in botocore's order, the signature, then User-Agent); the broker checks the signature, which does not
/// depend on that order. AWSSDK.Core's <see cref="AWS4Signer"/> derives the key and signs the canonical request.
/// </summary>
internal static class MskIamTokenSigner
{
    /// <summary>The SigV4 service name of MSK's IAM access control.</summary>
    public const string Service = "kafka-cluster";

    /// <summary>The action the presigned request names.</summary>
    public const string Action = "kafka-cluster:Connect";

    /// <summary>How long a token is valid: 900 s, as every published signer sets <c>X-Amz-Expires</c>.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(900);

    private const string Algorithm = "AWS4-HMAC-SHA256";
    private const string SignedHeaders = "host";

    /// <summary>Hex SHA-256 of the empty body of the presigned GET.</summary>
    private const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Creates a token.</summary>
    /// <param name="region">The cluster's region, e.g. <c>us-east-1</c>.</param>
    /// <param name="credentials">The AWS credentials; a session token is sent as <c>X-Amz-Security-Token</c>.</param>
    /// <param name="now">The signing time; whole seconds are used, as <c>X-Amz-Date</c> has no fraction.</param>
    /// <param name="userAgent">The value of the <c>User-Agent</c> parameter (not signed).</param>
    /// <returns>The token and its expiry: <c>X-Amz-Date</c> + 900 s.</returns>
    /// <exception cref="ArgumentException">The region, the access key id or the secret key is empty.</exception>
    public static MskIamAuthToken Create(string region, ImmutableCredentials credentials, DateTimeOffset now, string userAgent)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(userAgent);
        if (string.IsNullOrEmpty(credentials.AccessKey) || string.IsNullOrEmpty(credentials.SecretKey))
        {
            throw new ArgumentException("The AWS credentials have an empty access key id or secret access key.", nameof(credentials));
        }

        var signedAt = new DateTime(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        var host = "kafka." + region + ".amazonaws.com";
        var amzDate = signedAt.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var scope = signedAt.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "/" + region + "/" + Service + "/aws4_request";
        var expires = ((int)Lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);

        // In the order botocore's SigV4QueryAuth writes them: the operation's parameters, then the auth parameters.
        List<(string Key, string Value)> query =
        [
            ("Action", Action),
            ("X-Amz-Algorithm", Algorithm),
            ("X-Amz-Credential", credentials.AccessKey + "/" + scope),
            ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", expires),
            ("X-Amz-SignedHeaders", SignedHeaders),
        ];
        if (credentials.UseToken)
        {
            query.Add(("X-Amz-Security-Token", credentials.Token));
        }

        var canonicalQuery = string.Join('&', query
            .Select(p => (Key: Uri.EscapeDataString(p.Key), Value: Uri.EscapeDataString(p.Value)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));
        var canonicalRequest = "GET\n/\n" + canonicalQuery + "\nhost:" + host + "\n\n" + SignedHeaders + "\n" + EmptyPayloadHash;
        var signature = AWS4Signer.ComputeSignature(credentials, region, signedAt, Service, SignedHeaders, canonicalRequest).Signature;

        var url = new StringBuilder(512).Append("https://").Append(host).Append("/?");
        foreach (var (key, value) in query)
        {
            url.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
        }

        url.Append("X-Amz-Signature=").Append(signature).Append("&User-Agent=").Append(Uri.EscapeDataString(userAgent));
        var token = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(url.ToString()));
        return new MskIamAuthToken(token, new DateTimeOffset(signedAt).Add(Lifetime));
    }
}
