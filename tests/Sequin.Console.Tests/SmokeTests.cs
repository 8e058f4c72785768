using Microsoft.Playwright;
using Sequin.WebConsole.Tests.Support;

namespace Sequin.WebConsole.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class SmokeTests(PostgresFixture postgres, BrowserFixture browser)
{
    [Fact]
    public async Task The_root_opens_the_console_with_its_navigation_and_style()
    {
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "smoke");
        var page = await browser.NewPageAsync(host.Address);

        var response = await page.GotoAsync("/");

        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        Assert.EndsWith("/console", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Overview");
        foreach (var link in new[] { "Overview", "Sinks", "New sink", "Routing editor" })
        {
            await Assertions.Expect(page.Locator("header nav").GetByRole(AriaRole.Link, new() { Name = link, Exact = true })).ToBeVisibleAsync();
        }

        // The overview lists the database with its slot in use.
        var database = page.Locator("tr[data-database=db]");
        await Assertions.Expect(database.Locator("td").Nth(3)).ToHaveTextAsync("yes");
        await Assertions.Expect(database.Locator("td").Nth(6)).ToHaveTextAsync("gated");

        // The style sheet is served (embedded in the assembly) and applied: the header is dark.
        var background = await page.Locator("header.top").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        Assert.Equal("rgb(18, 26, 43)", background);
    }
}
