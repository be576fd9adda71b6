using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Estuary.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// Revoking a certificate and managing administrators in the console, in headless Chromium against a real
/// server; the revocation is then checked with the openssl OCSP client.
/// </summary>
public sealed class AdminManagementBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static async Task<string> AdminPasswordAsync(EstuaryTestServer server)
    {
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(server.DataDir, "initial-credentials.json")));
        return json.RootElement.GetProperty("admin").GetProperty("password").GetString()!;
    }

    private static string Url(EstuaryTestServer server, string path) => server.AdminUrl(path);

    private static async Task LogInAsync(IPage page, EstuaryTestServer server, string username, string password)
    {
        await page.GotoAsync(Url(server, "/admin/login"));
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
    }

    /// <summary>The header's logout button (its form carries an antiforgery token like every console form).</summary>
    private static async Task LogOutAsync(IPage page)
    {
        await page.ClickAsync("header form button");
        await ChromiumFixture.AtLoginPageAsync(page);
    }

    [Fact]
    public async Task An_administrator_revokes_a_certificate_and_openssl_ocsp_then_reports_it_revoked()
    {
        var server = new EstuaryTestServer();
        await server.InitializeAsync();
        var dir = Directory.CreateTempSubdirectory("estuary-revoke-").FullName;
        try
        {
            using var est = server.CreateClient(basicAuth: true);
            using var key = TestCsr.NewP256();
            using var certificate = await EstWire.EnrollAsync(est, "CN=stolen-laptop", key);
            var certificateFile = Path.Combine(dir, "ee.pem");
            await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
            var ocsp = $"ocsp -issuer {Path.Combine(server.DataDir, "issuing-ca.pem")} -cert {certificateFile} -url {server.BaseUri.GetLeftPart(UriPartial.Authority)}/ocsp -CAfile {server.RootCertificatePath}";
            var (goodCode, good) = await Processes.RunAsync("openssl", ocsp);
            Assert.True(goodCode == 0, good);
            Assert.Contains(": good", good, StringComparison.Ordinal);

            await using var context = await chromium.NewContextAsync();
            var page = await context.NewPageAsync();
            await LogInAsync(page, server, "admin", await AdminPasswordAsync(server));
            await page.GotoAsync(Url(server, "/admin/certificates/" + certificate.SerialNumber));
            await Assertions.Expect(page.Locator("#certificate")).ToContainTextAsync("valid");
            var reasons = await page.Locator("#reason option").AllTextContentsAsync();
            Assert.Contains("keyCompromise", reasons);
            Assert.DoesNotContain("certificateHold", reasons);
            await page.SelectOptionAsync("#reason", "keyCompromise");
            await ChromiumFixture.ScreenshotAsync(page, "12-revoke-form");

            // The console asks first: nothing is revoked until the confirming POST.
            await page.ClickAsync("#revoke-button");
            await Assertions.Expect(page.Locator("#confirm-question")).ToContainTextAsync($"Revoke certificate {certificate.SerialNumber} (CN=stolen-laptop) for keyCompromise?");
            await Assertions.Expect(page.Locator("#certificate .pill")).ToHaveTextAsync("valid");
            await page.ClickAsync("#confirm-button");

            await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("Certificate revoked (keyCompromise)");
            await Assertions.Expect(page.Locator("#certificate .pill")).ToHaveTextAsync("revoked");
            await Assertions.Expect(page.Locator("#revocation")).ToContainTextAsync("keyCompromise (1)");
            await Assertions.Expect(page.Locator("form#revoke")).ToHaveCountAsync(0);
            await ChromiumFixture.ScreenshotAsync(page, "13-revoked");

            await page.GotoAsync(Url(server, "/admin/certificates?status=revoked"));
            await Assertions.Expect(page.Locator("#certificates tbody tr")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#certificates")).ToContainTextAsync("CN=stolen-laptop");
            await page.GotoAsync(Url(server, "/admin/audit"));
            await Assertions.Expect(page.Locator("#audit")).ToContainTextAsync("certificate.revoked");

            var (revokedCode, revoked) = await Processes.RunAsync("openssl", ocsp);
            Assert.True(revokedCode == 0, revoked);
            Assert.Contains("Response verify OK", revoked, StringComparison.Ordinal);
            Assert.Contains(": revoked", revoked, StringComparison.Ordinal);
            Assert.Contains("Reason: keyCompromise", revoked, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_new_administrator_logs_in_until_disabled_which_also_ends_their_open_session()
    {
        var server = new EstuaryTestServer();
        await server.InitializeAsync();
        try
        {
            await using var context = await chromium.NewContextAsync();
            var page = await context.NewPageAsync();
            await LogInAsync(page, server, "admin", await AdminPasswordAsync(server));
            await page.ClickAsync("nav >> text=Administrators");
            await Assertions.Expect(page.Locator("tr[data-user=admin]")).ToContainTextAsync("(you)");
            await Assertions.Expect(page.Locator("tr[data-user=admin] >> text=Disable")).ToHaveCountAsync(0);

            await page.FillAsync("#username", "ops-alice");
            await page.FillAsync("#password", "alllowercaseletters");
            await page.ClickAsync("#create-admin button");
            await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("three of lower case");
            await page.FillAsync("#username", "ops-alice");
            await page.FillAsync("#password", "Harbour-Lights-77");
            await page.ClickAsync("#create-admin button");
            await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("Administrator 'ops-alice' created.");
            await Assertions.Expect(page.Locator("#new-password")).ToHaveCountAsync(0); // a chosen password is not echoed

            await page.FillAsync("#username", "ops-bob");
            await page.ClickAsync("#create-admin button");
            var bobPassword = (await page.Locator("#password-value").TextContentAsync())!.Trim();
            Assert.Equal(24, bobPassword.Length);
            await Assertions.Expect(page.Locator("#admins tbody tr")).ToHaveCountAsync(3);
            await ChromiumFixture.ScreenshotAsync(page, "14-admins");

            // Alice logs in in her own browser profile and stays signed in.
            await using var aliceContext = await chromium.NewContextAsync();
            var alice = await aliceContext.NewPageAsync();
            await LogInAsync(alice, server, "ops-alice", "Harbour-Lights-77");
            await Assertions.Expect(alice.Locator("h1")).ToHaveTextAsync("Dashboard");
            await Assertions.Expect(alice.Locator("header form button")).ToContainTextAsync("ops-alice");

            await page.ClickAsync("tr[data-user=ops-alice] >> text=Disable");
            await Assertions.Expect(page.Locator("#confirm-question")).ToHaveTextAsync("Disable administrator 'ops-alice'?");
            await page.ClickAsync("#confirm-button");
            await Assertions.Expect(page.Locator("tr[data-user=ops-alice]")).ToContainTextAsync("disabled");
            await ChromiumFixture.ScreenshotAsync(page, "15-admin-disabled");

            // Her open session ends at her next request, and she can no longer log in.
            await alice.ClickAsync("nav >> text=Certificates");
            Assert.Contains("/admin/login", alice.Url);
            await LogInAsync(alice, server, "ops-alice", "Harbour-Lights-77");
            await Assertions.Expect(alice.Locator(".notice.error")).ToHaveTextAsync("This administrator account is disabled.");
            await ChromiumFixture.ScreenshotAsync(alice, "16-admin-disabled-login");

            // Bob, still enabled, logs in with the generated password.
            await LogOutAsync(page);
            await LogInAsync(page, server, "ops-bob", bobPassword);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");
            await page.GotoAsync(Url(server, "/admin/audit"));
            await Assertions.Expect(page.Locator("#audit")).ToContainTextAsync("admin.disabled");
            await Assertions.Expect(page.Locator("#audit")).ToContainTextAsync("admin.login-disabled");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
