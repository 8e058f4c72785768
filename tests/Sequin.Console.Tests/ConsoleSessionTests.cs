using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sequin.WebConsole.Security;

namespace Sequin.WebConsole.Tests;

/// <summary>The login cookie's value and lifetime, on plain HTTP contexts (the browser flow is in <see cref="SignInTests"/>).</summary>
public sealed class ConsoleSessionTests
{
    private const string Token = "the-console-token";
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_sign_in_lasts_twelve_hours_for_that_token_only()
    {
        var cookie = SignIn(Start);

        Assert.True(IsSignedIn(cookie, Token, Start.AddHours(11).AddMinutes(59)));
        Assert.False(IsSignedIn(cookie, "another-token", Start.AddMinutes(1)), "a changed token ends the session");
        Assert.False(IsSignedIn(cookie, Token, Start + ConsoleSession.Lifetime + TimeSpan.FromSeconds(1)), "expired");
        Assert.False(IsSignedIn(cookie, Token, Start.AddHours(-1)), "issued an hour in the future of this clock");
    }

    [Fact]
    public void A_cookie_whose_time_was_changed_or_that_is_malformed_is_refused()
    {
        var cookie = SignIn(Start);
        var mac = cookie[cookie.IndexOf('.', StringComparison.Ordinal)..];
        var later = (Start.AddHours(12).ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture) + mac;

        Assert.False(IsSignedIn(later, Token, Start.AddHours(13)), "an issue time moved forward keeps the old HMAC");
        Assert.False(IsSignedIn(mac, Token, Start));
        Assert.False(IsSignedIn("99999999999999999999." + mac[1..], Token, Start));
        Assert.False(IsSignedIn(string.Empty, Token, Start));
    }

    [Fact]
    public void The_cookie_is_http_only_strict_scoped_to_the_console_and_expires_with_the_session()
    {
        var context = Context(Start);
        ConsoleSession.SignIn(context, Token);

        var header = context.Response.Headers.SetCookie.ToString();
        Assert.StartsWith(ConsoleSession.CookieName + "=", header, StringComparison.Ordinal);
        Assert.Contains("max-age=43200", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", header, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=" + ConsolePaths.Root, header, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, header, StringComparison.Ordinal);
    }

    private static string SignIn(DateTimeOffset now)
    {
        var context = Context(now);
        ConsoleSession.SignIn(context, Token);
        var header = context.Response.Headers.SetCookie.ToString();
        var start = ConsoleSession.CookieName.Length + 1;
        return header[start..header.IndexOf(';', StringComparison.Ordinal)];
    }

    private static bool IsSignedIn(string cookie, string token, DateTimeOffset now)
    {
        var context = Context(now);
        context.Request.Headers.Cookie = ConsoleSession.CookieName + "=" + cookie;
        return ConsoleSession.IsSignedIn(context.Request, token);
    }

    private static DefaultHttpContext Context(DateTimeOffset now) =>
        new() { RequestServices = new ServiceCollection().AddSingleton<TimeProvider>(new FixedTime(now)).BuildServiceProvider() };

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
