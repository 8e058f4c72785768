using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sequin.Sinks.Webhook.Tests;

/// <summary>
/// The receiver's verification recipe exactly as docs/how-to/verify-webhook-signatures.md gives it (C#), kept here so
/// that the tests prove the documented recipe, not the sink's own code, accepts what the sink sends.
/// </summary>
internal static class SignatureRecipe
{
    public static bool Verify(string secret, string header, byte[] body, long nowUnixSeconds, long toleranceSeconds = 300)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || Math.Abs(nowUnixSeconds - timestamp) > toleranceSeconds)
        {
            return false;
        }

        var signed = Encoding.ASCII.GetBytes(t + ".").Concat(body).ToArray();
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(v1));
    }
}
