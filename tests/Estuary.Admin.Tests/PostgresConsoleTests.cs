using System.Net;
using System.Text.Json;
using Estuary.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// The console and the REST API on PostgreSQL with two nodes sharing the database (as behind a load
/// balancer): a template and an account created in the console of node A serve an enrollment on node B
/// without a restart, within node B's template refresh interval (1 s here, 5 s by default).
/// </summary>
public sealed class PostgresConsoleTests(ChromiumFixture chromium, PostgresCluster cluster) : IClassFixture<ChromiumFixture>, IClassFixture<PostgresCluster>, IAsyncLifetime
{
    private EstuaryTestServer _a = null!;
    private EstuaryTestServer _b = null!;

    public async Task InitializeAsync()
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Estuary:Storage:Provider"] = "postgres",
            ["Estuary:Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
            ["Estuary:Admin:TemplateRefreshInterval"] = "00:00:01",
        };
        _a = EstuaryTestServer.With(configuration);
        await _a.InitializeAsync();
        _b = EstuaryTestServer.With(configuration);
        // Node B gets node A's CA, TLS and console-key files (a shared data folder), not a database of its own.
        Directory.CreateDirectory(_b.DataDir);
        foreach (var file in Directory.GetFiles(_a.DataDir).Where(f => !Path.GetFileName(f).StartsWith("estuary.db", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(_b.DataDir, Path.GetFileName(file)));
        }

        await _b.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    private static string Url(EstuaryTestServer server, string path) => server.AdminUrl(path);

    [Fact]
    public async Task The_server_on_PostgreSQL_serves_the_console_and_API()
    {
        Assert.Contains("Admin console: https://", _a.StartupOutput, StringComparison.Ordinal);
        Assert.Contains("admin login", _a.StartupOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("admin login", _b.StartupOutput, StringComparison.Ordinal); // node B found the administrator node A created

        using var api = AdminTestClient.Api(_b, await AdminTestClient.KeyAsync(_a, "read")); // a key made on A works on B
        using var response = await api.GetAsync("admins");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"admin\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_template_created_in_the_console_of_node_A_serves_an_enrollment_on_node_B()
    {
        using var credentials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_a.DataDir, "initial-credentials.json")));
        var adminPassword = credentials.RootElement.GetProperty("admin").GetProperty("password").GetString()!;
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url(_a, "/admin/login"));
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", adminPassword);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");

        await page.ClickAsync("text=Templates");
        await page.ClickAsync("#new-template");
        await page.FillAsync("#Name", "pg-meters");
        await page.FillAsync("#Description", "Smart meters, shared database");
        await page.FillAsync("#Labels", "meters");
        await page.FillAsync("#AllowedGroups", "meter-fleet");
        await page.FillAsync("#CommonNamePattern", "meter-*");
        await page.UncheckAsync("#AllowedKeys input[value='P-384']");
        await page.UncheckAsync("#AllowedKeys input[value='RSA']");
        await page.FillAsync("#ValidityDays", "30");
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#templates")).ToContainTextAsync("meter-fleet");
        await page.ClickAsync("nav >> text=Accounts");
        await page.FillAsync("#username", "meter-1");
        await page.FillAsync("#groups", "meter-fleet");
        await page.ClickAsync("#create-account button");
        var password = (await page.Locator("#password-value").TextContentAsync())!.Trim();
        await ChromiumFixture.ScreenshotAsync(page, "17-postgres-console");

        // Node B notices the stored template within its refresh interval; until then it does not know the label (404).
        using var est = AdminTestClient.Est(_b, "meter-1", password);
        using var key = TestCsr.NewP256();
        HttpStatusCode status = default;
        for (var attempt = 0; attempt < 100 && status != HttpStatusCode.OK; attempt++)
        {
            using var response = await est.PostAsync("meters/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=meter-1", key)));
            status = response.StatusCode;
            if (status == HttpStatusCode.OK)
            {
                var certificate = Assert.Single(await EstWire.ReadCertsAsync(response));
                Assert.Equal("CN=meter-1", certificate.Subject);
                Assert.Equal(30, (certificate.NotAfter - certificate.NotBefore).TotalDays, 0.1);
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, status);
                await Task.Delay(200);
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
        using var api = AdminTestClient.Api(_b, await AdminTestClient.KeyAsync(_b, "read"));
        var templates = await api.GetStringAsync("templates");
        Assert.Contains("pg-meters", templates, StringComparison.Ordinal);

        // The certificate issued by node B shows in node A's console.
        await page.GotoAsync(Url(_a, "/admin/certificates?q=meter-1"));
        await Assertions.Expect(page.Locator("#certificates tbody tr")).ToHaveCountAsync(1);
    }
}
