using System.Net;
using System.Text.RegularExpressions;
using Sequin.Hosting.AspNetCore.Security;
using Sequin.Hosting.AspNetCore.Tests.Support;
using Sequin.WebConsole.Tests.Support;

namespace Sequin.WebConsole.Tests.Security;

/// <summary>
/// Issue 29, the console's part of the attack suite (docs/reference/security.md, "Console"): DNS rebinding, token
/// guessing on the sign-in form, sign-out, oversized form posts, and the routing editor's sample table. Each test failed
/// on the code before the fix.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ConsoleAttackTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_rebinding_page_gets_421_from_every_console_page_of_the_tokenless_loopback_listener()
    {
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "console_rebind");
        using var client = host.CreateClient(withToken: false);
        var evil = $"evil.example:{host.Address.Port}";
        foreach (var path in new[] { "/console", "/console/sinks", "/console/sinks/gated", "/console/routing", "/console/console.css" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = evil;
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.MisdirectedRequest, $"{path}: {(int)response.StatusCode}");
        }

        // A form post as the rebound page would send it (its own antiforgery token, read from the rebound page, is refused too).
        using (var post = new HttpRequestMessage(HttpMethod.Post, "/console/sinks/gated"))
        {
            post.Headers.Host = evil;
            post.Headers.TryAddWithoutValidation("Origin", "http://" + evil);
            post.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["_handler"] = "sink-action", ["Form.Action"] = "pause" });
            Assert.Equal(HttpStatusCode.MisdirectedRequest, (await client.SendAsync(post)).StatusCode);
        }

        Assert.False(host.Consumer.IsPaused);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console")).StatusCode); // Host: 127.0.0.1:port
    }

    [Fact]
    public async Task Failed_sign_ins_are_logged_one_line_each_without_the_guess_and_then_refused_with_429_even_for_the_right_token()
    {
        await using var host = await ConsoleHost.StartWithTokenAsync(postgres, "console_guess");
        using var client = host.CreateClient(withToken: false);
        for (var i = 0; i < FailedSignInThrottle.MaxFailuresPerClient; i++)
        {
            using var wrong = await SignInAsync(client, $"guess-{i}-5a0c71");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("not the token", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var right = await SignInAsync(client, ApiHost.Token);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.NotNull(right.Headers.RetryAfter);
        Assert.Contains("Too many failed sign-ins", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(right.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("sequin_console=", StringComparison.Ordinal)));

        var failures = host.Logs.Entries.Where(e => e.EventId.Id == 7103).ToList();
        Assert.Equal(FailedSignInThrottle.MaxFailuresPerClient, failures.Count);
        Assert.All(failures, e => Assert.Contains("console sign-in", e.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains("guess-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sign_out_clears_the_cookie_from_a_button_on_every_page_and_the_console_asks_for_the_token_again()
    {
        await using var host = await ConsoleHost.StartWithTokenAsync(postgres, "console_logout");
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = host.Address };
        using (var signIn = await SignInAsync(client, ApiHost.Token))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        Assert.Contains(handler.CookieContainer.GetCookies(new Uri(host.Address, "/console/")).Cast<Cookie>(), c => c.Name == "sequin_console");
        var page = await client.GetStringAsync("/console/sinks");
        Assert.Contains("id=\"sign-out\"", page, StringComparison.Ordinal);
        Assert.Contains("action=\"/console/logout\"", page, StringComparison.Ordinal);

        // Without the form's antiforgery token: refused, still signed in.
        using (var forged = await client.PostAsync("/console/logout", new FormUrlEncodedContent(new Dictionary<string, string>())))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console/sinks")).StatusCode);

        using var signOut = await client.PostAsync("/console/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/console/login", signOut.Headers.Location?.OriginalString);
        Assert.Contains(signOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith("sequin_console=;", StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(handler.CookieContainer.GetCookies(new Uri(host.Address, "/console/")).Cast<Cookie>(), c => c.Name == "sequin_console");
        using var after = await client.GetAsync("/console/sinks");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/console/login", after.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_post_over_the_body_limit_gets_413_and_the_routing_editor_samples_no_table_outside_the_sinks()
    {
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "console_body");
        using var client = host.CreateClient(withToken: false);
        var page = await client.GetStringAsync("/console/routing");
        var token = AntiforgeryToken(page);

        // Expect: 100-continue: the body waits for the server's answer (413, unread) instead of racing the connection's close.
        using var oversized = new HttpRequestMessage(HttpMethod.Post, "/console/routing") { Content = Form(token, "public.t", new string('x', (int)RequestBodyLimit.DefaultMaxBytes + 1024)) };
        oversized.Headers.ExpectContinue = true;
        using (var big = await client.SendAsync(oversized))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        }

        using (var catalog = await client.PostAsync("/console/routing", Form(token, "pg_catalog.pg_authid", string.Empty)))
        {
            var body = await catalog.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Forbidden, catalog.StatusCode);
            Assert.Contains("is not a table a sink of database", body, StringComparison.Ordinal);
            Assert.DoesNotContain("rolpassword", body, StringComparison.Ordinal);
        }
    }

    private static FormUrlEncodedContent Form(string token, string table, string message) => new(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = token,
        ["_handler"] = "routing-run",
        ["type"] = "gated",
        ["code"] = "function route(action, record, changes, metadata) { return {}; }",
        ["table"] = table,
        ["message"] = message,
    });

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string token)
    {
        var page = await client.GetStringAsync("/console/login");
        return await client.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
            ["_handler"] = "login",
            ["Form.Token"] = token,
            ["ReturnUrl"] = "/console",
        }));
    }

    private static string AntiforgeryToken(string page) =>
        WebUtility.HtmlDecode(AntiforgeryInput().Match(page) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("No antiforgery token in the page."));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
