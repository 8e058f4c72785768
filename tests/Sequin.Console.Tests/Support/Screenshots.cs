using Microsoft.Playwright;

namespace Sequin.WebConsole.Tests.Support;

/// <summary>
/// Screenshots of console pages for docs/how-to/use-the-console.md: written next to the test output always, and into
/// docs/images/ when <c>SEQUIN_UPDATE_SCREENSHOTS=1</c> (so that a test run does not change the repository by itself).
/// </summary>
internal static class Screenshots
{
    public static async Task SaveAsync(IPage page, string fileName)
    {
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, fileName), bytes);
        if (Environment.GetEnvironmentVariable("SEQUIN_UPDATE_SCREENSHOTS") == "1")
        {
            var images = Path.Combine(RepositoryPaths.Root, "docs", "images");
            Directory.CreateDirectory(images);
            await File.WriteAllBytesAsync(Path.Combine(images, fileName), bytes);
        }
    }
}
