using Sequin.WebConsole.Tests.Support;

namespace Sequin.WebConsole.Tests;

/// <summary>
/// Takes the documentation's screenshots of the main pages (docs/how-to/use-the-console.md). Into a temporary folder
/// on every run; into docs/images/ with <c>SEQUIN_CONSOLE_SCREENSHOTS=docs/images</c> (a path from the repository root):
/// <c>SEQUIN_CONSOLE_SCREENSHOTS=docs/images dotnet test tests/Sequin.Console.Tests -c Release --filter ScreenshotTests</c>.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ScreenshotTests(PostgresFixture postgres, BrowserFixture browser)
{
    [Fact]
    public async Task Screenshots_of_the_main_pages_are_taken()
    {
        var folder = Environment.GetEnvironmentVariable("SEQUIN_CONSOLE_SCREENSHOTS") is { Length: > 0 } target
            ? Path.Combine(RepositoryPaths.Root, target)
            : Directory.CreateTempSubdirectory("sequin-console-shots-").FullName;
        await using var host = await ConsoleHost.StartLoopbackAsync(postgres, "shots");
        host.Sink.Refused[13] = true; // one parked message: the health badge says warning, the sink's page shows its row
        await host.ExecuteAsync("INSERT INTO t SELECT g, g FROM generate_series(1, 25) g");
        await Eventually.UntilAsync(() => host.Sink.Delivered.Count == 24 && host.Consumer.ParkedNow == 1, () => "24 rows delivered, one parked", TimeSpan.FromSeconds(30));
        await host.ExecuteAsync("INSERT INTO t VALUES (26, 26)"); // a later delivery: not failing, only a parked message
        await Eventually.UntilAsync(() => host.Sink.Delivered.Count == 25, () => "the 26th row delivered", TimeSpan.FromSeconds(30));
        using var listed = System.Text.Json.JsonDocument.Parse(await host.Client.GetStringAsync("/api/sinks/gated/messages"));
        var parked = listed.RootElement[0].GetProperty("id").GetInt64();
        var page = await browser.NewPageAsync(host.Address);

        foreach (var (path, file) in new[] { ("/console", "console-overview.png"), ("/console/sinks", "console-sinks.png"), ($"/console/sinks/gated?message={parked}", "console-sink.png") })
        {
            await page.GotoAsync(path);
            await Microsoft.Playwright.Assertions.Expect(page.Locator("[data-figure=health]").First).ToHaveTextAsync("warning", new() { Timeout = 30_000 });
            var shot = Path.Combine(folder, file);
            await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
            Assert.True(new FileInfo(shot).Length > 1000, $"{shot} holds a picture");
        }
    }
}
