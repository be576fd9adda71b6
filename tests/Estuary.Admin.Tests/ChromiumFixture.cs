using System.Text.RegularExpressions;
using Estuary.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// Debian's headless Chromium driven by Playwright (its bundled node driver; no browser download). Pages
/// are saved as screenshots under TestResults/screenshots for a person to look at.
/// </summary>
public sealed partial class ChromiumFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotDir { get; } = Path.Combine(RepositoryPaths.Root, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDir);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser profile. The test server's certificate chains to a root the browser does not hold.</summary>
    /// <summary>
    /// A new browser context. CI runs every test assembly at once on two cores, where a login (600,000 PBKDF2
    /// iterations) and a page load can take longer than Playwright's defaults (30 s per action, 5 s per
    /// expectation): these are waits for something to happen, not limits on how fast it happens.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        Assertions.SetDefaultExpectTimeout(20_000);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        return context;
    }

    /// <summary>
    /// Logs the first-run administrator in and waits until the page is at the dashboard. Polled with an assertion, not
    /// waited for as an event: `WaitForURLAsync` (even with WaitUntil = Commit) waits for "load" when the URL already
    /// matches and can miss the event it waits for (playwright-dotnet issues 3365 and 3364); both hung a full run.
    /// </summary>
    public static async Task LogInAsync(IPage page, EstuaryTestServer server)
    {
        await page.GotoAsync(server.AdminUrl("/admin/login"));
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", await ConsoleClient.AdminPasswordAsync(server));
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page).ToHaveURLAsync(AtDashboard(), new() { Timeout = 90_000 });
    }

    /// <summary>Waits until the page is at the login page (after a logout), polled as in <see cref="LogInAsync"/>.</summary>
    public static Task AtLoginPageAsync(IPage page) =>
        Assertions.Expect(page).ToHaveURLAsync(AtLogin(), new() { Timeout = 90_000 });

    [GeneratedRegex("/admin/$")]
    private static partial Regex AtDashboard();

    [GeneratedRegex("/admin/login")]
    private static partial Regex AtLogin();

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
