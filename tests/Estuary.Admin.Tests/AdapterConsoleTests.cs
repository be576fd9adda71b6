using System.Text.Json;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// An administrator sets up RA proxy mode in the console, in headless Chromium: an upstream EST adapter
/// pointing at a second real server, then a template that issues through it; a device enrolls with curl.
/// </summary>
public sealed class AdapterConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static string Url(EstuaryTestServer server, string path) => server.AdminUrl(path);

    [Fact]
    public async Task An_administrator_creates_an_upstream_adapter_and_a_template_that_issues_through_it()
    {
        var upstream = new EstuaryTestServer();
        var front = new EstuaryTestServer();
        await upstream.InitializeAsync();
        await front.InitializeAsync();
        try
        {
            var (raPassword, _) = await upstream.GetRequiredService<AccountService>().CreateAsync("ra-console", [], "test", CancellationToken.None);
            using var credentials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(front.DataDir, "initial-credentials.json")));
            var adminPassword = credentials.RootElement.GetProperty("admin").GetProperty("password").GetString()!;

            await using var context = await chromium.NewContextAsync();
            var page = await context.NewPageAsync();
            await page.GotoAsync(Url(front, "/admin/"));
            await page.FillAsync("#username", "admin");
            await page.FillAsync("#password", adminPassword);
            await page.ClickAsync("button[type=submit]");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");

            await page.ClickAsync("nav >> text=Adapters");
            await page.ClickAsync("#new-adapter");
            await page.FillAsync("#Name", "group-ca");
            await page.FillAsync("#Description", "The group's issuing CA");
            await page.FillAsync("#BaseUrl", upstream.BaseUri.GetLeftPart(UriPartial.Authority));
            await page.FillAsync("#TrustAnchorPem", await File.ReadAllTextAsync(upstream.RootCertificatePath));
            await page.FillAsync("#Username", "ra-console");
            await page.ClickAsync("#save");
            await Assertions.Expect(page.Locator("#Password-error")).ToHaveTextAsync("Password is required with “User name”");
            await ChromiumFixture.ScreenshotAsync(page, "20-adapter-validation");

            await page.FillAsync("#Password", raPassword!);
            await page.ClickAsync("#save");
            await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("Adapter 'group-ca' saved");
            await Assertions.Expect(page.Locator("tr[data-adapter=group-ca]")).ToContainTextAsync("password set");
            Assert.DoesNotContain(raPassword!, await page.ContentAsync(), StringComparison.Ordinal);
            await ChromiumFixture.ScreenshotAsync(page, "21-adapters");

            // Editing shows no password, and saving without one keeps it.
            await page.ClickAsync("tr[data-adapter=group-ca] >> text=group-ca");
            Assert.Equal("", await page.InputValueAsync("#Password"));
            Assert.DoesNotContain(raPassword!, await page.ContentAsync(), StringComparison.Ordinal);
            await page.FillAsync("#TimeoutSeconds", "15");
            await page.ClickAsync("#save");
            await Assertions.Expect(page.Locator("tr[data-adapter=group-ca]")).ToContainTextAsync("password set");

            await page.ClickAsync("nav >> text=Templates");
            await page.ClickAsync("#new-template");
            await page.FillAsync("#Name", "branch-devices");
            await page.FillAsync("#Labels", "branch");
            await page.SelectOptionAsync("#Adapter", "group-ca");
            await page.FillAsync("#CommonNamePattern", "branch-*");
            await page.UncheckAsync("#AllowedKeys input[value='P-384']");
            await page.UncheckAsync("#AllowedKeys input[value='RSA']");
            await page.ClickAsync("#save");
            await Assertions.Expect(page.Locator("#templates")).ToContainTextAsync("branch-devices");

            // A device enrolls at the front with curl+openssl; the upstream signs.
            var dir = Directory.CreateTempSubdirectory("estuary-console-upstream-").FullName;
            var script = $"""
                set -e
                cd {dir}
                openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout d.key -subj /CN=branch-1 -outform DER 2>/dev/null | base64 -w 64 > d.csr
                curl -sS --fail-with-body --cacert '{front.RootCertificatePath}' -u '{front.EstUsername}:{front.EstPassword}' -H 'Content-Type: application/pkcs10' --data-binary @d.csr '{front.EstUrl}/branch/simpleenroll' | base64 -d | openssl pkcs7 -inform DER -print_certs -out device.pem
                curl -sS --fail-with-body --cacert '{front.RootCertificatePath}' '{front.EstUrl}/branch/cacerts' | base64 -d | openssl pkcs7 -inform DER -print_certs -out chain.pem
                openssl verify -CAfile '{upstream.RootCertificatePath}' -untrusted chain.pem device.pem
                """;
            await File.WriteAllTextAsync(Path.Combine(dir, "enroll.sh"), script);
            var (code, output) = await Processes.RunAsync("bash", Path.Combine(dir, "enroll.sh"));
            Assert.True(code == 0, output);
            Assert.Contains("device.pem: OK", output, StringComparison.Ordinal);
            Directory.Delete(dir, recursive: true);

            await page.ClickAsync("nav >> text=Certificates");
            await Assertions.Expect(page.Locator("#certificates")).ToContainTextAsync("CN=branch-1");

            // In use: the console asks first, then refuses to delete it and says why.
            await page.ClickAsync("nav >> text=Adapters");
            await Assertions.Expect(page.Locator("tr[data-adapter=group-ca]")).ToContainTextAsync("branch-devices");
            await page.ClickAsync("tr[data-adapter=group-ca] >> text=Delete");
            await Assertions.Expect(page.Locator("#confirm-question")).ToContainTextAsync("Delete adapter 'group-ca'");
            await page.ClickAsync("#confirm-button");
            await Assertions.Expect(page.Locator("#problem")).ToContainTextAsync("in use by template(s) 'branch-devices'");
            await ChromiumFixture.ScreenshotAsync(page, "22-adapter-in-use");

            await page.ClickAsync("nav >> text=Audit log");
            await Assertions.Expect(page.Locator("#audit")).ToContainTextAsync("adapter.created");
            Assert.DoesNotContain(await front.GetRequiredService<IEstuaryStore>().ListAuditAsync(200, CancellationToken.None), a => a.Detail.Contains(raPassword!, StringComparison.Ordinal));
        }
        finally
        {
            await front.DisposeAsync();
            await upstream.DisposeAsync();
        }
    }
}
