using Microsoft.Playwright;
using Sequin.WebConsole.Tests.Support;

namespace Sequin.WebConsole.Tests;

/// <summary>
/// Issue 33: "Save and apply" on the new-sink form writes the sink into the host's sequin.yaml (every line of the file
/// kept) and applies it live: the new sink delivers while the running one keeps delivering, without a restart.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class SaveNewSinkTests(PostgresFixture postgres, BrowserFixture browser)
{
    [Fact]
    public async Task ASinkSavedInTheConsoleIsWrittenToTheFileAndDeliversWithoutARestart()
    {
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "consolesave");
        var file = Path.Combine(host.ConfigDirectory, "sequin.yaml");
        await File.WriteAllTextAsync(file, "# Kept: an operator's comment.\n" + await File.ReadAllTextAsync(file));
        await host.ExecuteAsync("INSERT INTO t VALUES (1, 0)");
        await Eventually.UntilAsync(() => host.Sink.Delivered.Count == 1, () => "the configured sink delivers");

        var page = await browser.NewPageAsync(host.Address);
        await page.GotoAsync("/console/sinks/new?type=gated");
        await page.Locator("#f-name").FillAsync("console-made");
        await page.Locator("#f-database").SelectOptionAsync("db");
        await page.Locator("#d-label").FillAsync("made in the console");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and apply" }).ClickAsync();

        await Assertions.Expect(page.Locator("#save-result")).ToContainTextAsync("Saved to", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#save-result")).ToContainTextAsync("console-made");
        await Assertions.Expect(page.Locator("#plan")).ToContainTextAsync("+ sink \"console-made\"");
        var saved = await File.ReadAllTextAsync(file);
        Assert.StartsWith("# Kept: an operator's comment.\n", saved, StringComparison.Ordinal);
        Assert.Contains("  - name: \"console-made\"", saved, StringComparison.Ordinal);
        Assert.Contains("label: \"made in the console\"", saved, StringComparison.Ordinal);

        // Both sinks deliver the next change: the new one runs, and the running one was not restarted for it.
        await host.ExecuteAsync("INSERT INTO t VALUES (2, 0)");
        await Eventually.UntilAsync(() => host.Sink.Delivered.Count(id => id == 2) == 2, () => $"row 2 delivered by both sinks (deliveries: {string.Join(",", host.Sink.Delivered)})");
        Assert.Equal(1, host.Sink.Delivered.Count(id => id == 1));
        await page.GotoAsync("/console/sinks");
        await Assertions.Expect(page.Locator("tr[data-sink=console-made]")).ToHaveCountAsync(1);

        // Saving a second sink of the same name is refused with the errors, and the file stays as it is.
        await page.GotoAsync("/console/sinks/new?type=gated");
        await page.Locator("#f-name").FillAsync("console-made");
        await page.Locator("#f-database").SelectOptionAsync("db");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and apply" }).ClickAsync();
        await Assertions.Expect(page.Locator("#save-result")).ToContainTextAsync("Not saved", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#yaml")).ToContainTextAsync("console-made");
        Assert.Equal(saved, await File.ReadAllTextAsync(file));
    }
}
