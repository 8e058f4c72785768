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
        await host.ExecuteAsync("INSERT INTO t SELECT g, g FROM generate_series(1, 25) g");
        await Eventually.UntilAsync(() => host.Sink.Delivered.Count == 25, () => "the 25 rows are delivered", TimeSpan.FromSeconds(30));
        var page = await browser.NewPageAsync(host.Address);

        foreach (var (path, file) in new[] { ("/console", "console-overview.png"), ("/console/sinks", "console-sinks.png"), ("/console/sinks/gated", "console-sink.png") })
        {
            await page.GotoAsync(path);
            var shot = Path.Combine(folder, file);
            await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
            Assert.True(new FileInfo(shot).Length > 1000, $"{shot} holds a picture");
        }
    }
}
