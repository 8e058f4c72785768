using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sequin.Sinks.Webhook;

/// <summary>
/// Request signing: <c>Sequin-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>, where hex is the lower-case
/// HMAC-SHA256, keyed with the UTF-8 <c>signing_secret</c>, of the ASCII <c>"&lt;t&gt;."</c> followed by the request
/// body exactly as sent (after gzip, if the body is gzipped). Receivers recompute it and compare in constant time, and
/// refuse an old <c>t</c> (replays). docs/how-to/verify-webhook-signatures.md.
/// </summary>
internal static class WebhookSignature
{
    public static string Header(byte[] secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        var prefix = Encoding.ASCII.GetBytes(t + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(secret, signed);
        return "t=" + t + ",v1=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>Checks a header against a body, as a receiver does (used by the tests and documented as the recipe).</summary>
    public static bool Verify(byte[] secret, string header, ReadOnlySpan<byte> body, long nowUnixSeconds, long toleranceSeconds)
    {
        string? t = null;
        string? v1 = null;
        foreach (var part in header.Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var (k, v) = (part[..eq].Trim(), part[(eq + 1)..].Trim());
            if (k == "t")
            {
                t = v;
            }
            else if (k == "v1")
            {
                v1 = v;
            }
        }

        if (t is null || v1 is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var ts) || Math.Abs(nowUnixSeconds - ts) > toleranceSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Header(secret, ts, body).Split(",v1=")[1]);
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(v1));
    }
}
