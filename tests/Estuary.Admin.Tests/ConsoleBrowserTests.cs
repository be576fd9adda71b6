using System.Text.Json;
using Estuary.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// The console as an administrator uses it, in headless Chromium against a real server: log in, create a
/// template and an account, enroll with curl+openssl, and find the certificate on the dashboard and in the list.
/// </summary>
public sealed class ConsoleBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static async Task<string> AdminPasswordAsync(EstuaryTestServer server)
    {
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(server.DataDir, "initial-credentials.json")));
        return json.RootElement.GetProperty("admin").GetProperty("password").GetString()!;
    }

    private static string Url(EstuaryTestServer server, string path) => server.AdminUrl(path);

    private static async Task LogInAsync(IPage page, EstuaryTestServer server, string password)
    {
        await page.GotoAsync(Url(server, "/admin/"));
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
    }

    /// <summary>Enrolls like a device would: openssl makes the key and CSR, curl posts it. Returns the HTTP status.</summary>
    private static async Task<(string Status, string Body)> EnrollWithCurlAsync(EstuaryTestServer server, string label, string user, string password, string subject, string? dns)
    {
        var dir = Directory.CreateTempSubdirectory("estuary-curl-").FullName;
        const string statusFormat = "%{http_code}";
        var san = dns is null ? "" : $"-addext subjectAltName=DNS:{dns}";
        var script = $"""
            set -e
            openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout {dir}/d.key -subj '{subject}' {san} -outform DER 2>/dev/null | base64 -w 64 > {dir}/d.csr
            curl -sS --cacert '{server.RootCertificatePath}' -u '{user}:{password}' -H 'Content-Type: application/pkcs10' --data-binary @{dir}/d.csr -o {dir}/out -w '{statusFormat}' '{server.EstUrl}/{label}/simpleenroll'
            """;
        var (code, output) = await Processes.RunAsync("bash", $"-c \"{script.Replace("\"", "\\\"")}\"");
        Assert.True(code == 0, output);
        var body = File.Exists(Path.Combine(dir, "out")) ? await File.ReadAllTextAsync(Path.Combine(dir, "out")) : "";
        Directory.Delete(dir, recursive: true);
        return (output.Trim(), body);
    }

    [Fact]
    public async Task An_administrator_sets_up_a_template_and_account_and_sees_the_enrolled_certificate()
    {
        var server = new EstuaryTestServer();
        await server.InitializeAsync();
        try
        {
            await using var context = await chromium.NewContextAsync();
            var page = await context.NewPageAsync();

            await page.GotoAsync(Url(server, "/admin/"));
            Assert.EndsWith("/admin/login?ReturnUrl=%2Fadmin%2F", page.Url);
            await ChromiumFixture.ScreenshotAsync(page, "01-login");
            await LogInAsync(page, server, await AdminPasswordAsync(server));
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");
            var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "__Host-estuary-admin");
            Assert.True(cookie.Secure && cookie.HttpOnly);
            Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

            // A new certificate type for a new group of devices.
            await page.ClickAsync("text=Templates");
            await page.ClickAsync("#new-template");
            await page.FillAsync("#Name", "cameras");
            await page.FillAsync("#Description", "Security cameras on site A");
            await page.FillAsync("#Labels", "cameras");
            await page.FillAsync("#AllowedGroups", "camera-fleet");
            await page.FillAsync("#CommonNamePattern", "cam-*");
            await page.FillAsync("#DnsPatterns", "*.cameras.example");
            await page.UncheckAsync("#AllowedKeys input[value='P-384']");
            await page.UncheckAsync("#AllowedKeys input[value='RSA']");
            await page.FillAsync("#ValidityDays", "0");
            await page.ClickAsync("#save");
            await Assertions.Expect(page.Locator("#ValidityDays-error")).ToHaveTextAsync("Validity (days) must be between 1 and 3650");
            await ChromiumFixture.ScreenshotAsync(page, "04-template-validation");
            await page.FillAsync("#ValidityDays", "90");
            await page.ClickAsync("#save");
            await Assertions.Expect(page.Locator("#templates")).ToContainTextAsync("camera-fleet");
            await ChromiumFixture.ScreenshotAsync(page, "03-templates");

            await page.ClickAsync("nav >> text=Accounts");
            await page.FillAsync("#username", "camera-7");
            await page.FillAsync("#groups", "camera-fleet");
            await page.ClickAsync("#create-account button");
            var password = (await page.Locator("#password-value").TextContentAsync())!.Trim();
            Assert.Equal(24, password.Length);
            await ChromiumFixture.ScreenshotAsync(page, "05-accounts");

            var (status, _) = await EnrollWithCurlAsync(server, "cameras", "camera-7", password, "/CN=cam-7", "cam-7.cameras.example");
            Assert.Equal("200", status);

            // The bootstrap account is not in the group: EST refuses it with 403.
            var (refused, reason) = await EnrollWithCurlAsync(server, "cameras", server.EstUsername, server.EstPassword, "/CN=cam-8", null);
            Assert.Equal("403", refused);
            Assert.Contains("may not use template 'cameras'", reason);

            await page.ClickAsync("nav >> text=Dashboard");
            await Assertions.Expect(page.Locator("#issued-total")).ToHaveTextAsync("1");
            await Assertions.Expect(page.Locator("#latest")).ToContainTextAsync("CN=cam-7");
            await Assertions.Expect(page.Locator("#failure-count")).ToHaveTextAsync("1");
            await ChromiumFixture.ScreenshotAsync(page, "02-dashboard");

            await page.ClickAsync("nav >> text=Certificates");
            await page.FillAsync("#q", "cam-7.cameras");
            await page.SelectOptionAsync("#label", "cameras");
            await page.ClickAsync("form.filters button");
            await Assertions.Expect(page.Locator("#certificates tbody tr")).ToHaveCountAsync(1);
            await ChromiumFixture.ScreenshotAsync(page, "06-certificates");
            await page.ClickAsync("#certificates >> text=CN=cam-7");
            await Assertions.Expect(page.Locator("#certificate")).ToContainTextAsync("basic:camera-7");
            await Assertions.Expect(page.Locator("form#revoke")).ToHaveCountAsync(1);
            await ChromiumFixture.ScreenshotAsync(page, "07-certificate");
            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("text=Download PEM with chain"));
            var chain = await File.ReadAllTextAsync((await download.PathAsync())!);
            Assert.Equal(3, chain.Split("BEGIN CERTIFICATE").Length - 1);

            await page.ClickAsync("nav >> text=Audit log");
            await Assertions.Expect(page.Locator("#audit")).ToContainTextAsync("template.created");
            await Assertions.Expect(page.Locator("#audit")).ToContainTextAsync("est.refused.authorization");
            await ChromiumFixture.ScreenshotAsync(page, "08-audit");
            await page.ClickAsync("nav a[href='/admin/ca']");
            await Assertions.Expect(page.Locator(".ca-certificate")).ToHaveCountAsync(3);
            await ChromiumFixture.ScreenshotAsync(page, "09-ca");
            await page.ClickAsync("nav >> text=Adapters");
            await Assertions.Expect(page.Locator("#adapters")).ToContainTextAsync("cameras");
            await page.ClickAsync("nav >> text=API keys");
            await page.FillAsync("#name", "inventory script");
            await page.ClickAsync("form.filters button");
            Assert.StartsWith("est_", await page.Locator("#key-value").TextContentAsync());
            await ChromiumFixture.ScreenshotAsync(page, "10-apikeys");

            // Disable takes effect on the next EST request.
            await page.ClickAsync("nav >> text=Accounts");
            await page.ClickAsync("tr[data-user=camera-7] >> text=Disable");
            await Assertions.Expect(page.Locator("tr[data-user=camera-7]")).ToContainTextAsync("disabled");
            var (afterDisable, _) = await EnrollWithCurlAsync(server, "cameras", "camera-7", password, "/CN=cam-7", null);
            Assert.Equal("401", afterDisable);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_administrator_out_even_with_the_right_one()
    {
        var server = new EstuaryTestServer();
        await server.InitializeAsync();
        try
        {
            await using var context = await chromium.NewContextAsync();
            var page = await context.NewPageAsync();
            for (var i = 0; i < AdminUserService.MaxFailures - 1; i++)
            {
                await LogInAsync(page, server, "wrong-" + i);
                await Assertions.Expect(page.Locator(".notice.error")).ToHaveTextAsync("Wrong user name or password.");
            }

            await LogInAsync(page, server, "wrong-last");
            await Assertions.Expect(page.Locator(".notice.error")).ToContainTextAsync("locked");
            await LogInAsync(page, server, await AdminPasswordAsync(server));
            await Assertions.Expect(page.Locator(".notice.error")).ToContainTextAsync("locked");
            await ChromiumFixture.ScreenshotAsync(page, "11-locked");
            Assert.Contains("/admin/login", page.Url);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Console_pages_send_security_headers_and_forms_without_an_antiforgery_token_are_refused()
    {
        var server = new EstuaryTestServer();
        await server.InitializeAsync();
        try
        {
            using var client = server.CreateAdminClient();
            using var login = await client.GetAsync(Url(server, "/admin/login"));
            Assert.Contains("frame-ancestors 'none'", login.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("DENY", login.Headers.GetValues("X-Frame-Options").Single());
            Assert.StartsWith("max-age=", login.Headers.GetValues("Strict-Transport-Security").Single());

            using var forged = await client.PostAsync(Url(server, "/admin/login"), new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["password"] = await AdminPasswordAsync(server) }));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, forged.StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
