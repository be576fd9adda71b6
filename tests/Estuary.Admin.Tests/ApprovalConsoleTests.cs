using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// The approval queue (RFC 7030 §4.2.3) in the console and the API: a real client that polls on 202
/// (strongSwan pki) collects its certificate once an administrator approves it in headless Chromium; a
/// rejection with a reason reaches the client as 403; the API decides with write scope only.
/// </summary>
public sealed class ApprovalConsoleTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:default:RequireApproval"] = "true",
        ["Estuary:Labels:held:RequireApproval"] = "true",
        ["Estuary:ApprovalRetryAfterSeconds"] = "1",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    private string Url(string path) => _server.AdminUrl(path);

    [Fact]
    public async Task An_administrator_approves_in_the_console_and_strongSwan_pki_polling_on_202_gets_its_certificate()
    {
        var (client, output) = await StrongSwanPki.StartPollingEnrollAsync(_server, "CN=console-approved", Directory.CreateTempSubdirectory("estuary-approval-").FullName);
        await WaitForPendingAsync("CN=console-approved", client);

        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await LogInAsync(page);
        await Assertions.Expect(page.Locator("#pending-count")).ToHaveTextAsync("1");
        await page.ClickAsync("nav a[href='/admin/approvals']");
        var row = page.Locator("#pending tr[data-subject='CN=console-approved']");
        await Assertions.Expect(row).ToContainTextAsync("basic:" + _server.EstUsername);
        await Assertions.Expect(row).ToContainTextAsync("(default)");
        await ChromiumFixture.ScreenshotAsync(page, "18-approvals");
        await row.Locator("button:has-text('Approve')").ClickAsync();
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("approved");
        await Assertions.Expect(page.Locator("#no-pending")).ToBeVisibleAsync();

        var (code, text) = await client;
        Assert.True(code == 0, text);
        var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(output));
        Assert.Equal("CN=console-approved", certificate.Subject);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#decided")).ToContainTextAsync(certificate.SerialNumber);
        var audit = await _server.GetRequiredService<IEstuaryStore>().ListAuditAsync(50, CancellationToken.None);
        Assert.Contains(audit, e => e.Kind == "request.approved" && e.Actor == "admin:admin");
    }

    [Fact]
    public async Task A_rejection_in_the_console_needs_a_reason_and_the_client_is_refused_with_it()
    {
        using var est = _server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using (var first = await est.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=console-rejected", key, "dns:cam-7.example.net"))))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await LogInAsync(page);
        await page.GotoAsync(Url("/admin/approvals"));
        var row = page.Locator("#pending tr[data-subject='CN=console-rejected']");
        // The approver sees what approval would issue: the names and the key, read from the stored request.
        await Assertions.Expect(row.Locator("td.sans")).ToHaveTextAsync("DNS:cam-7.example.net");
        await Assertions.Expect(row.Locator("td.key")).ToHaveTextAsync("P-256");
        await row.Locator("button:has-text('Reject')").ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-question")).ToContainTextAsync("CN=console-rejected");
        await page.ClickAsync("#confirm-button");
        await Assertions.Expect(page.Locator("#message")).ToHaveCountAsync(0); // the reason is required: the browser did not send the form
        await page.FillAsync("#confirm-input", "not one of our devices");
        await page.ClickAsync("#confirm-button");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("rejected");

        using var repeat = await est.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=console-rejected", key, "dns:cam-7.example.net")));
        Assert.Equal(HttpStatusCode.Forbidden, repeat.StatusCode);
        Assert.Contains("not one of our devices", await repeat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_API_lists_approves_and_rejects_with_write_scope_and_a_read_key_cannot_decide()
    {
        using var est = _server.CreateClient(basicAuth: true);
        using var keyA = TestCsr.NewP256();
        using var keyB = TestCsr.NewP256();
        foreach (var (subject, key) in new[] { ("CN=api-approved", keyA), ("CN=api-rejected", keyB) })
        {
            using var held = await est.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create(subject, key)));
            Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        }

        using var reader = AdminTestClient.Api(_server, await AdminTestClient.KeyAsync(_server, "read"));
        using var writer = AdminTestClient.Api(_server, await AdminTestClient.KeyAsync(_server, "write"));
        using var list = await reader.GetAsync("approvals");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var pending = (await AdminTestClient.ReadJsonAsync(list)).EnumerateArray().ToList();
        var approveId = pending.Single(p => p.GetProperty("subject").GetString() == "CN=api-approved").GetProperty("id").GetInt64();
        Assert.All(pending, p => Assert.Equal("P-256", p.GetProperty("keyType").GetString()));
        var rejectId = pending.Single(p => p.GetProperty("subject").GetString() == "CN=api-rejected").GetProperty("id").GetInt64();

        using (var denied = await reader.PostAsync($"approvals/{approveId}/approve", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        Assert.Equal(PendingRequestStatus.Pending, (await _server.GetRequiredService<ApprovalQueue>().FindAsync(approveId, default))!.Status);
        using (var approved = await writer.PostAsync($"approvals/{approveId}/approve", null))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
            Assert.Equal("approved", (await AdminTestClient.ReadJsonAsync(approved)).GetProperty("status").GetString());
        }

        using (var again = await writer.PostAsync($"approvals/{approveId}/approve", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        using (var noReason = await writer.PostAsync($"approvals/{rejectId}/reject", AdminTestClient.Json(new { reason = "" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        }

        using (var rejected = await writer.PostAsync($"approvals/{rejectId}/reject", AdminTestClient.Json(new { reason = "duplicate request" })))
        {
            Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        }

        using (var unknown = await writer.PostAsync("approvals/999999/approve", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using (var badStatus = await reader.GetAsync("approvals?status=maybe"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        }

        using var collected = await est.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=api-approved", keyA)));
        Assert.Equal(HttpStatusCode.OK, collected.StatusCode);
        using var refused = await est.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=api-rejected", keyB)));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("duplicate request", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private Task LogInAsync(IPage page) => ChromiumFixture.LogInAsync(page, _server);

    private async Task WaitForPendingAsync(string subject, Task<(int ExitCode, string Output)> client)
    {
        var queue = _server.GetRequiredService<ApprovalQueue>();
        while ((await queue.ListAsync(PendingRequestStatus.Pending, 100, default)).All(r => r.Subject != subject))
        {
            if (client.IsCompleted)
            {
                Assert.Fail($"the client ended before its request was held: {(await client).Output}");
            }

            await Task.Delay(100);
        }
    }
}
