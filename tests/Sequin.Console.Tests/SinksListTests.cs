using System.Globalization;
using Microsoft.Playwright;
using Sequin.WebConsole.Tests.Support;

namespace Sequin.WebConsole.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class SinksListTests(PostgresFixture postgres, BrowserFixture browser)
{
    [Fact]
    public async Task The_sinks_list_shows_a_sink_delivering_its_figure_rising_after_inserts()
    {
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "sinks");
        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/console/sinks");
        var row = page.Locator("tr[data-sink=gated]");
        await Assertions.Expect(row.Locator(".status")).ToHaveTextAsync("running");
        var before = long.Parse(await row.Locator("[data-figure=delivered]").InnerTextAsync(), CultureInfo.InvariantCulture);

        await host.ExecuteAsync("INSERT INTO t SELECT g, g FROM generate_series(1, 5) g");

        // Reloaded until the figure shows the five deliveries (bounded wait, no sleep).
        await Eventually.UntilAsync(
            async () =>
            {
                await page.ReloadAsync();
                return long.Parse(await row.Locator("[data-figure=delivered]").InnerTextAsync(), CultureInfo.InvariantCulture) >= before + 5;
            },
            () => "the sinks list shows the five inserted rows delivered",
            TimeSpan.FromSeconds(30));
        Assert.Equal(5, host.Sink.Delivered.Count);

        // The rate over the last minute: known once two samples 4 s apart exist, above zero with the five deliveries in it.
        await Eventually.UntilAsync(
            async () =>
            {
                await page.ReloadAsync();
                return double.TryParse(await row.Locator("[data-figure=rate]").InnerTextAsync(), NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate > 0;
            },
            () => "the sinks list shows a delivery rate above zero",
            TimeSpan.FromSeconds(30));
    }
}
