using System.Globalization;
using Microsoft.Playwright;
using Sequin.WebConsole.Tests.Support;

namespace Sequin.WebConsole.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class SinkPageTests(PostgresFixture postgres, BrowserFixture browser)
{
    [Fact]
    public async Task A_parked_message_is_retried_from_the_sinks_page_and_delivered()
    {
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "sinkpage");
        host.Sink.Refused[3] = true;
        await host.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(1, 4) g");
        await Eventually.UntilAsync(() => host.Sink.Delivered.Count == 3, () => $"3 deliveries (have {host.Sink.Delivered.Count})");

        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/console/sinks");
        await page.Locator("tr[data-sink=gated] a").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("gated");
        // The configuration is shown with its secret masked.
        await Assertions.Expect(page.Locator("pre.config")).ToContainTextAsync("********");
        Assert.DoesNotContain(Hosting.AspNetCore.Tests.Support.ApiHost.SinkSecret, await page.ContentAsync(), StringComparison.Ordinal);

        // The message parks after one failure (park_after_failures: 1); the page lists it once it is parked.
        var row = page.Locator("tr[data-message]");
        await Eventually.UntilAsync(
            async () =>
            {
                await page.ReloadAsync();
                return await row.CountAsync() == 1;
            },
            () => "the parked message listed on the sink's page",
            TimeSpan.FromSeconds(30));
        await Assertions.Expect(row.Locator(".error")).ToContainTextAsync("row 3 is refused");

        host.Sink.Refused.TryRemove(3, out _);
        await row.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-notice]")).ToContainTextAsync("will be retried now");
        await Eventually.UntilAsync(() => host.Sink.Delivered.Contains(3), () => "row 3 delivered after the retry from the page", TimeSpan.FromSeconds(60));
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("[data-empty=messages]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Pause_holds_deliveries_and_resume_delivers_them()
    {
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "sinkpause");
        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/console/sinks/gated");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1 .status")).ToHaveTextAsync("paused");

        await host.ExecuteAsync("INSERT INTO t SELECT g, 0 FROM generate_series(1, 5) g");
        // Held: the changes are read and buffered but not delivered while paused.
        await Eventually.UntilAsync(
            async () =>
            {
                await page.ReloadAsync();
                var buffered = await page.Locator("table.figures tr", new() { HasText = "Buffered" }).Locator("td").InnerTextAsync();
                return long.Parse(buffered.Split(' ')[0], CultureInfo.InvariantCulture) >= 5;
            },
            () => "five changes buffered while paused",
            TimeSpan.FromSeconds(30));
        Assert.Empty(host.Sink.Delivered);

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1 .status")).ToHaveTextAsync("running");
        await Eventually.UntilAsync(() => host.Sink.Delivered.Count == 5, () => $"5 deliveries after resume (have {host.Sink.Delivered.Count})", TimeSpan.FromSeconds(30));

        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-notice]")).ToContainTextAsync("gated sink reachable");
    }
}
