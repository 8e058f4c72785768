using Microsoft.Playwright;
using Sequin.WebConsole.Tests.Support;

namespace Sequin.WebConsole.Tests;

/// <summary>
/// Issue 33, item 2: a configured sink's filter and transform functions opened from its page in the routing editor and
/// run on a sample row with the sink's own processing (the configuration is not changed).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class SinkFunctionEditorTests(PostgresFixture postgres, BrowserFixture browser)
{
    [Fact]
    public async Task A_sinks_filter_and_transform_open_from_its_page_and_run_on_a_sample_row()
    {
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "sinkfn");
        await host.ExecuteAsync("INSERT INTO t VALUES (1, 5), (2, 50)");
        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/console/sinks/gated");
        await page.Locator("#sink-functions [data-function-link=filter]").ClickAsync();
        await Assertions.Expect(page.Locator("#sink-function")).ToContainTextAsync("filter function of sink gated");
        await Assertions.Expect(page.Locator("#code")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex(@"function filter\(action, record, changes, metadata\)"));

        // The newest row (id 2, v 50) passes a filter on v > 10; a filter on v > 100 drops it.
        await page.Locator("#table").FillAsync("public.t");
        await page.Locator("#code").FillAsync("function filter(action, record, changes, metadata) {\n  return record.v > 100;\n}\n");
        await page.Locator("#routing-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#run-filtered")).ToBeVisibleAsync();
        await page.Locator("#message").FillAsync(string.Empty);
        await page.Locator("#code").FillAsync("function filter(action, record, changes, metadata) {\n  return record.v > 10;\n}\n");
        await page.Locator("#routing-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#payload")).ToContainTextAsync("\"v\": 50");

        // Its transform: the payload is what the function returns.
        await page.Locator("#sink-function [data-function-link=transform]").ClickAsync();
        await Assertions.Expect(page.Locator("#sink-function")).ToContainTextAsync("transform function of sink gated");
        await page.Locator("#table").FillAsync("public.t");
        await page.Locator("#code").FillAsync("function transform(action, record, changes, metadata) {\n  return { doubled: record.v * 2 };\n}\n");
        await page.Locator("#routing-form button[type=submit]").ClickAsync();
        await Assertions.Expect(page.Locator("#payload")).ToContainTextAsync("\"doubled\": 100");
    }
}
