using Microsoft.Playwright;
using Sequin.WebConsole.Tests.Support;

namespace Sequin.WebConsole.Tests;

/// <summary>
/// Issue 18: the routing-function editor in a real browser against the running host and a real PostgreSQL: the sink
/// types from the loaded plugins, the default function to start from, the routable keys from their metadata, a run on
/// the newest row of a table showing route, group id and payload, and a syntax error shown with its line.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class RoutingEditorTests(PostgresFixture postgres, BrowserFixture browser, SinkPluginsFixture plugins) : IClassFixture<SinkPluginsFixture>
{
    [Fact]
    public async Task ARoutingFunctionRunsOnARecentRowAndShowsTheRouteGroupIdAndPayload()
    {
        await using var host = await FormsHost.StartAsync(postgres, "routing_run", plugins.Catalog);
        await host.ExecuteAsync("INSERT INTO t VALUES (1, 10), (42, 420), (7, 70)");
        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/console/routing");

        // The list is the loaded plugins; picking one starts from its default function, its keys documented beside.
        var types = await page.Locator("#type option").AllInnerTextsAsync();
        Assert.Equal(plugins.Catalog.Plugins.Select(p => p.TypeName).Append("gated").Order(StringComparer.Ordinal), types);
        Assert.Contains(SinkPluginsFixture.ThirdPartyType, types);
        await page.Locator("#type").SelectOptionAsync("kafka");
        await page.Locator("form.inline button").ClickAsync();
        await Assertions.Expect(page.Locator("#code")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("sequin\\.\\$\\{metadata\\.table_schema\\}"));
        await Assertions.Expect(page.Locator("#routable-keys")).ToContainTextAsync("topic");
        await Assertions.Expect(page.Locator("#routable-keys")).ToContainTextAsync("message_key");

        await page.Locator("#table").FillAsync("public.t");
        await page.Locator("#code").FillAsync("""
            function route(action, record, changes, metadata) {
              return { topic: "rows-" + record.v, message_key: String(record.id) };
            }
            """);
        await page.Locator("#routing-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#route tr[data-key='topic'] td").Nth(1)).ToHaveTextAsync("rows-420");
        await Assertions.Expect(page.Locator("#route tr[data-key='message_key'] td").Nth(1)).ToHaveTextAsync("42");
        await Assertions.Expect(page.Locator("#group-id")).ToHaveTextAsync("42");
        await Assertions.Expect(page.Locator("#payload")).ToContainTextAsync("\"action\": \"read\"");

        // The sample comes back as JSON to edit: an edited message routes by its own values.
        var sample = await page.Locator("#message").InputValueAsync();
        await page.Locator("#message").FillAsync(sample.Replace("420", "777", StringComparison.Ordinal));
        await page.Locator("#routing-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#route tr[data-key='topic'] td").Nth(1)).ToHaveTextAsync("rows-777");
        await Screenshots.SaveAsync(page, "console-routing-editor.png");
    }

    [Fact]
    public async Task ASyntaxErrorIsShownWithItsLineAndTheLineIsMarked()
    {
        await using var host = await FormsHost.StartAsync(postgres, "routing_error", plugins.Catalog);
        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/console/routing?type=kafka");
        await page.Locator("#code").FillAsync("function route(action, record) {\n  const topic = \"a\";\n  return { topic: topic \n}\n}}");
        await page.Locator("#routing-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#error-location")).ToContainTextAsync("Line 5");
        await Assertions.Expect(page.Locator("#run-error")).ToContainTextAsync("line 5");
        await Assertions.Expect(page.Locator("#bad-line")).ToHaveTextAsync("5");
        await Assertions.Expect(page.Locator("#code")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("const topic"));
        await Assertions.Expect(page.Locator("#route")).ToHaveCountAsync(0);
    }
}
