using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Sequin.WebConsole.Security;

/// <summary>
/// The console's login cookie: set once the token was entered on the login page, HttpOnly and SameSite=Strict. It holds
/// an HMAC of a fixed text keyed by the token (never the token itself): changing the token ends every session.
/// </summary>
internal static class ConsoleSession
{
    public const string CookieName = "sequin_console";

    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("sequin-console-session-v1");

    /// <summary>Whether the request carries the cookie made from <paramref name="token"/> (constant-time comparison).</summary>
    public static bool IsSignedIn(HttpRequest request, string token)
    {
        if (!request.Cookies.TryGetValue(CookieName, out var presented) || presented is null)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Value(token));
        var given = Encoding.ASCII.GetBytes(presented);
        return given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>Signs the browser in: the cookie for <paramref name="token"/>, scoped to the console's path.</summary>
    public static void SignIn(HttpContext context, string token) =>
        context.Response.Cookies.Append(CookieName, Value(token), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = ConsolePaths.Root,
            IsEssential = true,
        });

    private static string Value(string token) => Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), Purpose));
}
