using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Sequin.WebConsole.Tests.Support;

namespace Sequin.WebConsole.Tests;

/// <summary>
/// Issue 33, item 3 in Chromium: each sink's health shown in colour and in words with its reason; the figures refresh
/// by themselves (server-sent events) without a reload; the parked count is right after a restart.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class HealthAndLiveTests(PostgresFixture postgres, BrowserFixture browser)
{
    [Fact]
    public async Task A_counter_refreshes_without_a_reload_and_the_rate_shows_within_seconds()
    {
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "live");
        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/console/sinks");
        var row = page.Locator("tr[data-sink=gated]");
        await Assertions.Expect(row.Locator("[data-figure=delivered]")).ToHaveTextAsync("0");

        // A marker on the window: a reload or a navigation would drop it.
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        await host.ExecuteAsync("INSERT INTO t SELECT g, g FROM generate_series(1, 7) g");
        await Assertions.Expect(row.Locator("[data-figure=delivered]")).ToHaveTextAsync("7", new() { Timeout = 30_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the figure changed without a reload");

        // The rate is a number within seconds of the deliveries (it said "measuring…" for 40 s).
        await Assertions.Expect(row.Locator("[data-figure=rate]")).ToHaveTextAsync(RateNumber(), new() { Timeout = 15_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the rate changed without a reload");
    }

    [Fact]
    public async Task Health_is_shown_in_colour_and_words_for_a_sink_with_parked_messages_and_for_a_paused_one()
    {
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "healthui");
        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/console/sinks");
        var health = page.Locator("tr[data-sink=gated] [data-figure=health]");
        await Assertions.Expect(health).ToHaveTextAsync("healthy");
        Assert.Equal("rgb(31, 122, 58)", await Colour(health)); // --ok

        host.Sink.Refused[1] = true;
        await host.ExecuteAsync("INSERT INTO t VALUES (1, 1)");
        await Eventually.UntilAsync(() => host.Consumer.ParkedNow == 1, () => "one parked message");
        await host.ExecuteAsync("INSERT INTO t VALUES (2, 2)"); // delivered: the sink is not failing, only has a parked message
        await Assertions.Expect(health).ToHaveTextAsync("warning", new() { Timeout = 30_000 });
        await Assertions.Expect(health).ToHaveClassAsync(new Regex(@"\bwarning\b"));
        await Assertions.Expect(page.Locator("tr[data-sink=gated] [data-figure=health-reason]")).ToContainTextAsync("1 parked message(s)");
        Assert.Equal("rgb(161, 92, 0)", await Colour(health)); // --warn

        // On the overview too, and on the sink's page with the reason in words.
        await page.GotoAsync("/console");
        await Assertions.Expect(page.Locator(".card[data-sink=gated] [data-figure=health]")).ToHaveTextAsync("warning");
        await page.GotoAsync("/console/sinks/gated");
        await Assertions.Expect(page.Locator("h1 [data-figure=health]")).ToHaveTextAsync("warning");
        await Assertions.Expect(page.Locator("#health-reason")).ToContainTextAsync("1 parked message(s) in sequin_state.parked_messages");

        // Paused: grey and "paused", live on the open page.
        host.Consumer.Pause();
        await Assertions.Expect(page.Locator("h1 [data-figure=health]")).ToHaveTextAsync("paused", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#health-reason")).ToContainTextAsync("paused by an operator");
        Assert.Equal("rgb(74, 85, 102)", await Colour(page.Locator("h1 [data-figure=health]")));
        await page.GotoAsync("/console/sinks");
        await Assertions.Expect(health).ToHaveTextAsync("paused");
        await Assertions.Expect(page.Locator("tr[data-sink=gated] .status")).ToHaveTextAsync("paused");
    }

    [Fact]
    public async Task The_parked_count_is_right_after_a_restart()
    {
        var host = await ConsoleHost.StartLoopbackAsync(postgres, "restartui");
        try
        {
            host.Sink.Refused[1] = true;
            host.Sink.Refused[2] = true;
            await host.ExecuteAsync("INSERT INTO t VALUES (1, 1), (2, 2)");
            await Eventually.UntilAsync(() => host.Consumer.ParkedNow == 2, () => "two parked messages");

            host = await host.RestartAsync();
            var page = await browser.NewPageAsync(host.Address);
            await page.GotoAsync("/console/sinks/gated");
            await Assertions.Expect(page.Locator("[data-figure=parked]")).ToHaveTextAsync("2");
            await Assertions.Expect(page.Locator("h1 [data-figure=health]")).ToHaveTextAsync("warning");

            // Delivered after a retry from the page: 0, not −2, and healthy, without a reload.
            host.Sink.Refused.Clear();
            await page.GetByRole(AriaRole.Button, new() { Name = "Retry all" }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-notice]")).ToContainTextAsync("2 parked message(s) will be retried now");
            await Assertions.Expect(page.Locator("[data-figure=parked]")).ToHaveTextAsync("0", new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("h1 [data-figure=health]")).ToHaveTextAsync("healthy", new() { Timeout = 30_000 });
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static Task<string> Colour(ILocator locator) => locator.EvaluateAsync<string>("e => getComputedStyle(e).color");

    [GeneratedRegex(@"^\d+(\.\d)?$")]
    private static partial Regex RateNumber();
}
