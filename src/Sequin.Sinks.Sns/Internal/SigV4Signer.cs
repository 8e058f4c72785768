using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace Sequin.Sinks.Sns.Internal;

/// <summary>
/// The signing seam: builds the SigV4 canonical request of an HTTP request, and has AWSSDK.Core's
/// <see cref="AWS4Signer"/> derive the key, the string to sign and the signature from it. Tested against AWS's
/// published SigV4 test suite.
/// </summary>
internal static class SigV4Signer
{
    /// <summary>The <c>x-amz-date</c> format.</summary>
    public const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>Hex SHA-256 of an empty body.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Signs a request.</summary>
    /// <param name="method">The HTTP method, upper case.</param>
    /// <param name="uri">The request URI (path and query are canonicalized).</param>
    /// <param name="headers">The headers to sign, including <c>host</c> and <c>x-amz-date</c>.</param>
    /// <param name="payload">The body.</param>
    /// <param name="credentials">The credentials (a session token must already be among the headers).</param>
    /// <param name="region">The signing region.</param>
    /// <param name="service">The signing service, <c>sns</c>.</param>
    /// <param name="signedAt">The time in <c>x-amz-date</c>, UTC.</param>
    public static SigV4Signature Sign(
        string method,
        Uri uri,
        IEnumerable<KeyValuePair<string, string>> headers,
        ReadOnlySpan<byte> payload,
        ImmutableCredentials credentials,
        string region,
        string service,
        DateTime signedAt)
    {
        var canonical = CanonicalRequest(method, uri, headers, HashHex(payload), out var signedHeaders);
        var result = AWS4Signer.ComputeSignature(credentials, region, DateTime.SpecifyKind(signedAt, DateTimeKind.Utc), service, signedHeaders, canonical);
        return new SigV4Signature(canonical, signedHeaders, result.Signature, result.ForAuthorizationHeader);
    }

    /// <summary>Builds the canonical request: method, path, query, headers, signed header names, payload hash.</summary>
    public static string CanonicalRequest(string method, Uri uri, IEnumerable<KeyValuePair<string, string>> headers, string payloadHash, out string signedHeaders)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(headers);
        var sorted = headers
            .GroupBy(h => h.Key.Trim().ToLowerInvariant(), StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Value: string.Join(',', g.Select(h => CollapseSpaces(h.Value)))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        signedHeaders = string.Join(';', sorted.Select(h => h.Name));
        var sb = new StringBuilder(256);
        sb.Append(method.ToUpperInvariant()).Append('\n');
        sb.Append(string.IsNullOrEmpty(uri.AbsolutePath) ? "/" : uri.AbsolutePath).Append('\n');
        sb.Append(CanonicalQuery(uri.Query)).Append('\n');
        foreach (var (name, value) in sorted)
        {
            sb.Append(name).Append(':').Append(value).Append('\n');
        }

        sb.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return sb.ToString();
    }

    /// <summary>Lower-case hex SHA-256.</summary>
    public static string HashHex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Formats a time for <c>x-amz-date</c>.</summary>
    public static string FormatDate(DateTime utc) => utc.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query) || query == "?")
        {
            return string.Empty;
        }

        var pairs = query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p =>
            {
                var eq = p.IndexOf('=', StringComparison.Ordinal);
                var key = Uri.UnescapeDataString(eq < 0 ? p : p[..eq]);
                var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(p[(eq + 1)..]);
                return (Key: Uri.EscapeDataString(key), Value: Uri.EscapeDataString(value));
            })
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => p.Key + "=" + p.Value));
    }

    private static string CollapseSpaces(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var sb = new StringBuilder(trimmed.Length);
        var lastSpace = false;
        foreach (var c in trimmed)
        {
            if (c == ' ')
            {
                if (!lastSpace)
                {
                    sb.Append(c);
                }

                lastSpace = true;
            }
            else
            {
                sb.Append(c);
                lastSpace = false;
            }
        }

        return sb.ToString();
    }
}
