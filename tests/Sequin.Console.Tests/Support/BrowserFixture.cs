using Microsoft.Playwright;

namespace Sequin.WebConsole.Tests.Support;

/// <summary>
/// Debian's chromium (apt package <c>chromium</c>, installed by scripts/install-deps.sh) started headless by Playwright:
/// Playwright cannot download its own browsers here, so it launches the system binary by path (<c>SEQUIN_CHROMIUM</c>
/// names another). Every page it opens waits at most <see cref="Timeout"/> for anything.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string DefaultExecutable = "/usr/bin/chromium";

    /// <summary>The longest any browser action or expectation waits.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser fixture has not started.");

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("SEQUIN_CHROMIUM") is { Length: > 0 } custom ? custom : DefaultExecutable;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} is missing: run scripts/install-deps.sh (apt package chromium) or set SEQUIN_CHROMIUM to a Chromium binary.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Timeout = (float)Timeout.TotalMilliseconds,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser context (its own cookies) and page at <paramref name="baseAddress"/>, with the timeouts set.</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)Timeout.TotalMilliseconds);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
