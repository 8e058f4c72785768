using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Sequin.WebConsole.Security;

/// <summary>
/// The console's login cookie: set once the token was entered on the login page, HttpOnly and SameSite=Strict, valid
/// for <see cref="Lifetime"/>. It holds the time it was issued and an HMAC of that time keyed by the token (never the
/// token itself): changing the token ends every session, and a copied cookie stops working after the lifetime.
/// </summary>
internal static class ConsoleSession
{
    public const string CookieName = "sequin_console";

    /// <summary>How long a sign-in lasts; then the login page asks for the token again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    // A cookie issued this far ahead of this machine's clock is still taken (clocks of a cluster's hosts differ).
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("sequin-console-session-v2:");

    /// <summary>Whether the request carries a cookie made from <paramref name="token"/> within the last <see cref="Lifetime"/> (constant-time comparison).</summary>
    public static bool IsSignedIn(HttpRequest request, string token)
    {
        if (!request.Cookies.TryGetValue(CookieName, out var presented) || presented is null)
        {
            return false;
        }

        var dot = presented.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(presented.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var issuedSeconds))
        {
            return false;
        }

        var now = Clock(request.HttpContext).GetUtcNow();
        var issued = DateTimeOffset.FromUnixTimeSeconds(Math.Min(issuedSeconds, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        if (now - issued > Lifetime || issued - now > ClockSkew)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Value(token, issuedSeconds));
        var given = Encoding.ASCII.GetBytes(presented);
        return given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>Signs the browser in: the cookie for <paramref name="token"/>, scoped to the console's path, for <see cref="Lifetime"/>.</summary>
    public static void SignIn(HttpContext context, string token) =>
        context.Response.Cookies.Append(CookieName, Value(token, Clock(context).GetUtcNow().ToUnixTimeSeconds()), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = ConsolePaths.Root,
            IsEssential = true,
            MaxAge = Lifetime,
        });

    /// <summary>Signs the browser out: the cookie is cleared (same name and path as <see cref="SignIn"/>).</summary>
    public static void SignOut(HttpContext context) =>
        context.Response.Cookies.Delete(CookieName, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = ConsolePaths.Root,
            IsEssential = true,
        });

    private static TimeProvider Clock(HttpContext context) => context.RequestServices?.GetService<TimeProvider>() ?? TimeProvider.System;

    private static string Value(string token, long issuedSeconds)
    {
        var issued = issuedSeconds.ToString(CultureInfo.InvariantCulture);
        byte[] message = [.. Purpose, .. Encoding.ASCII.GetBytes(issued)];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), message);
        return issued + "." + Convert.ToHexString(mac);
    }
}
