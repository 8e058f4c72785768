using Microsoft.Playwright;
using Sequin.WebConsole.Tests.Support;

namespace Sequin.WebConsole.Tests;

/// <summary>
/// Issue 33, item 2 in Chromium: all parked messages retried at once from the sink's page, a parked message's row
/// values, and a backfill started from the page whose progress reaches 100 % without a reload.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ParkedAndBackfillPageTests(PostgresFixture postgres, BrowserFixture browser)
{
    [Fact]
    public async Task All_parked_messages_are_retried_at_once_and_a_parked_messages_row_is_shown()
    {
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "bulkui");
        foreach (var id in new[] { 1, 2, 3 })
        {
            host.Sink.Refused[id] = true;
        }

        await host.ExecuteAsync("INSERT INTO t VALUES (1, 101), (2, 202), (3, 303)");
        await Eventually.UntilAsync(() => host.Consumer.ParkedNow == 3, () => "three parked messages");

        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/console/sinks/gated");
        var rows = page.Locator("tr[data-message]");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("#parked-tables tr[data-table='public.t'] td").Nth(1)).ToHaveTextAsync("3");

        // The row values of the second one listed, as stored (the three park in any order: v is 101 times the id).
        var messageId = await rows.Nth(1).GetAttributeAsync("data-message");
        await rows.Nth(1).Locator("[data-row-link]").ClickAsync();
        var row = page.Locator("#message-row");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-row", messageId!);
        await Assertions.Expect(row.Locator("h3")).ToContainTextAsync("insert on public.t");
        var rowId = int.Parse(await row.Locator("tr[data-column=id] td").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(rowId, new[] { 1, 2, 3 });
        await Assertions.Expect(row.Locator("tr[data-column=v] td")).ToHaveTextAsync((rowId * 101).ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Retry all: every parked message delivered, none left.
        host.Sink.Refused.Clear();
        await page.GetByRole(AriaRole.Button, new() { Name = "Retry all" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-notice]")).ToContainTextAsync("3 parked message(s) will be retried now");
        await Eventually.UntilAsync(() => new[] { 1, 2, 3 }.All(host.Sink.Delivered.Contains), () => "rows 1-3 delivered after Retry all", TimeSpan.FromSeconds(60));
        await Assertions.Expect(page.Locator("[data-figure=parked]")).ToHaveTextAsync("0", new() { Timeout = 30_000 });
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("[data-empty=messages]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Discard_all_asks_first_then_discards_every_parked_message()
    {
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "discardui");
        host.Sink.Refused[1] = true;
        host.Sink.Refused[2] = true;
        await host.ExecuteAsync("INSERT INTO t VALUES (1, 1), (2, 2)");
        await Eventually.UntilAsync(() => host.Consumer.ParkedNow == 2, () => "two parked messages");

        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/console/sinks/gated");
        var discard = page.GetByRole(AriaRole.Button, new() { Name = "Discard all" });

        // Declined: nothing happens.
        void Dismiss(object? sender, IDialog dialog) => _ = dialog.DismissAsync();
        page.Dialog += Dismiss;
        await discard.ClickAsync();
        await Assertions.Expect(page.Locator("tr[data-message]")).ToHaveCountAsync(2);
        Assert.Equal(2, host.Consumer.ParkedNow);
        page.Dialog -= Dismiss;

        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await discard.ClickAsync();
        await Assertions.Expect(page.Locator("[data-notice]")).ToContainTextAsync("2 parked message(s) discarded");
        await Assertions.Expect(page.Locator("[data-empty=messages]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-figure=discarded]")).ToHaveTextAsync("2", new() { Timeout = 30_000 });
        Assert.Empty(host.Sink.Delivered);
    }

    [Fact]
    public async Task A_backfill_started_from_the_page_reaches_100_percent_without_a_reload()
    {
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "backfillui");
        await host.ExecuteAsync("INSERT INTO t SELECT g, g FROM generate_series(1, 300) g");
        await Eventually.UntilAsync(() => host.Sink.Delivered.Count == 300, () => "300 changes delivered", TimeSpan.FromSeconds(60));
        host.Consumer.Pause(); // held: the backfill stays active until the page is watching it

        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/console/sinks/gated");
        await page.Locator("#backfill-table").FillAsync("public.t");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start backfill" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-notice]")).ToContainTextAsync("Backfill of public.t started");
        var backfill = page.Locator("#backfills tr[data-backfill]");
        await Assertions.Expect(backfill).ToHaveCountAsync(1);
        await Assertions.Expect(backfill.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeVisibleAsync();

        // Watched live: resumed, the 300 rows are read and delivered and the page shows 100 % by itself.
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        host.Consumer.Resume();
        await Assertions.Expect(backfill.Locator(".percent")).ToHaveTextAsync("100 %", new() { Timeout = 60_000 });
        await Assertions.Expect(backfill.Locator("td").Nth(2)).ToHaveTextAsync("completed");
        await Assertions.Expect(backfill.Locator("td").Nth(4)).ToHaveTextAsync("300");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the progress changed without a reload");
        Assert.True(host.Sink.Delivered.Count >= 600, $"300 changes and 300 reads delivered (have {host.Sink.Delivered.Count})");
    }
}
