using System.Net;
using Microsoft.Playwright;
using Sequin.Hosting.AspNetCore.Tests.Support;
using Sequin.WebConsole.Tests.Support;

namespace Sequin.WebConsole.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class SignInTests(PostgresFixture postgres, BrowserFixture browser)
{
    [Fact]
    public async Task On_a_non_loopback_bind_a_browser_signs_in_once_with_the_token_which_never_shows_in_a_page()
    {
        await using var host = await ConsoleHost.StartWithTokenAsync(postgres, "signin");
        var page = await browser.NewPageAsync(host.Address);

        // No cookie: the console's pages send the browser to the login page.
        await page.GotoAsync("/console?from=test");
        Assert.Contains("/console/login", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Sign in");

        // A wrong token is refused on the page.
        await page.Locator("#token").FillAsync("not-the-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not the token");

        // The right one: back where the browser was going, with an HttpOnly SameSite=Strict cookie that is not the token.
        await page.Locator("#token").FillAsync(ApiHost.Token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/console?from=test");
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "sequin_console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(ApiHost.Token, cookie.Value, StringComparison.Ordinal);

        await page.GotoAsync("/console");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        Assert.DoesNotContain(ApiHost.Token, await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused()
    {
        await using var host = await ConsoleHost.StartWithTokenAsync(postgres, "antiforgery");
        using var client = host.CreateClient(withToken: false);

        // The login form as a browser would post it, but without __RequestVerificationToken.
        using var response = await client.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Form.Token"] = ApiHost.Token,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("sequin_console=", StringComparison.Ordinal)));
    }
}
