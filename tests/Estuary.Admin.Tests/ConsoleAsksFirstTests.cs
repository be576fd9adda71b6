using System.Net;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// The console asks first (issue #14): each destructive action shows what will happen and acts only on the
/// confirming POST; every POST ends in a redirect, so a reload repeats nothing; a one-time password is shown
/// once. Headless Chromium against a real server; the audit log counts what really happened.
/// </summary>
public sealed class ConsoleAsksFirstTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:held:RequireApproval"] = "true",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_new_account_password_and_an_administrators_disable_and_reset_ask_first_and_a_reload_repeats_none()
    {
        await _server.GetRequiredService<AccountService>().CreateAsync("dev-1", [], "test", CancellationToken.None);
        await _server.GetRequiredService<AdminUserService>().CreateAsync("ops-carol", "Harbour-Lights-77", AdminRole.Administrator, "test", CancellationToken.None);
        var page = await LogInAsync();

        var accountPassword = await AsksFirstAsync(page, "/admin/accounts", "tr[data-user=dev-1] >> text=New password", "Give account 'dev-1' a new password?", "account.password-reset");
        Assert.Equal(24, accountPassword?.Length);

        // Left empty, the password is generated and shown once.
        var adminPassword = await AsksFirstAsync(page, "/admin/admins", "tr[data-user=ops-carol] >> text=Set password", "Set a new password for administrator 'ops-carol'?", "admin.password-reset");
        Assert.Equal(24, adminPassword?.Length);

        await AsksFirstAsync(page, "/admin/admins", "tr[data-user=ops-carol] >> text=Disable", "Disable administrator 'ops-carol'?", "admin.disabled");
        await Assertions.Expect(page.Locator("tr[data-user=ops-carol]")).ToContainTextAsync("disabled");
    }

    [Fact]
    public async Task Deleting_a_template_an_adapter_and_an_API_key_asks_first_and_a_reload_repeats_none()
    {
        var templates = _server.GetRequiredService<TemplateService>();
        Assert.Empty(await templates.SaveAsync(new TemplateDefinition { Name = "spare", Labels = ["spare"] }, create: true, "test", CancellationToken.None));
        var adapter = new AdapterDefinition
        {
            Name = "spare-ca",
            BaseUrl = _server.BaseUri.GetLeftPart(UriPartial.Authority),
            TrustAnchorPem = await File.ReadAllTextAsync(_server.RootCertificatePath),
            Username = _server.EstUsername,
            Password = _server.EstPassword,
        };
        Assert.Empty(await _server.GetRequiredService<AdapterService>().SaveAsync(adapter, create: true, "test", CancellationToken.None));
        var (key, _, _) = await _server.GetRequiredService<ApiKeyService>().CreateAsync("old script", "auditor", 30, "test", CancellationToken.None);
        var keyId = key!.Split('_')[1];
        var page = await LogInAsync();

        await AsksFirstAsync(page, "/admin/templates", "tr[data-template=spare] >> text=Delete", "Delete template 'spare'?", "template.deleted");
        await Assertions.Expect(page.Locator("tr[data-template=spare]")).ToHaveCountAsync(0);
        await AsksFirstAsync(page, "/admin/adapters", "tr[data-adapter=spare-ca] >> text=Delete", "Delete adapter 'spare-ca'", "adapter.deleted");
        await AsksFirstAsync(page, "/admin/apikeys", $"tr[data-key='{keyId}'] >> text=Delete", "Delete API key 'old script'", "apikey.deleted");
        using var api = AdminTestClient.Api(_server, key);
        using var refused = await api.GetAsync("templates");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Rejecting_a_request_and_revoking_a_certificate_ask_first_and_a_reload_repeats_neither()
    {
        using var est = _server.CreateClient(basicAuth: true);
        using var heldKey = TestCsr.NewP256();
        using (var held = await est.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=device-41", heldKey))))
        {
            Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        }

        using var key = TestCsr.NewP256();
        using var certificate = await EstWire.EnrollAsync(est, "CN=device-42", key);
        var page = await LogInAsync();

        await AsksFirstAsync(page, "/admin/approvals", "#pending tr[data-subject='CN=device-41'] >> text=Reject", "Reject request", "request.rejected",
            () => page.FillAsync("#confirm-input", "not ours"));
        await Assertions.Expect(page.Locator("#decided")).ToContainTextAsync("not ours");

        await page.GotoAsync(_server.AdminUrl("/admin/certificates/" + certificate.SerialNumber));
        await page.SelectOptionAsync("#reason", "keyCompromise");
        await AsksFirstAsync(page, null, "#revoke-button", $"Revoke certificate {certificate.SerialNumber} (CN=device-42) for keyCompromise?", "certificate.revoked",
            () => page.SelectOptionAsync("#reason", "keyCompromise"));
        await Assertions.Expect(page.Locator("#certificate .pill")).ToHaveTextAsync("revoked");
        await ChromiumFixture.ScreenshotAsync(page, "30-revoked-after-confirmation");
    }

    /// <summary>
    /// Clicks the action: the question shows and nothing happened; Cancel leaves it undone; Confirm does it once,
    /// lands on a GET page (post/redirect/get), and a reload does not do it again. Returns the password the
    /// action showed, which the reload shows no more.
    /// </summary>
    private async Task<string?> AsksFirstAsync(IPage page, string? path, string action, string question, string auditKind, Func<Task>? prepare = null)
    {
        if (path is not null)
        {
            await page.GotoAsync(_server.AdminUrl(path));
        }

        var here = page.Url;
        var before = await CountAsync(auditKind);
        await page.ClickAsync(action);
        await Assertions.Expect(page.Locator("#confirm-question")).ToContainTextAsync(question);
        await ChromiumFixture.ScreenshotAsync(page, "30-confirm-" + auditKind);
        Assert.Equal(before, await CountAsync(auditKind));

        await page.ClickAsync("#cancel");
        await Assertions.Expect(page.Locator("#confirm")).ToHaveCountAsync(0);
        Assert.Equal(before, await CountAsync(auditKind));

        if (path is null)
        {
            await page.GotoAsync(here);
            await (prepare?.Invoke() ?? Task.CompletedTask);
            await page.ClickAsync(action);
        }
        else
        {
            await page.ClickAsync(action);
            await (prepare?.Invoke() ?? Task.CompletedTask);
        }

        await page.ClickAsync("#confirm-button");
        await Assertions.Expect(page.Locator("#message")).ToBeVisibleAsync();
        Assert.DoesNotContain("handler=", page.Url, StringComparison.Ordinal); // the POST redirected to a GET page
        Assert.Equal(before + 1, await CountAsync(auditKind));
        var secret = await page.Locator("#password-value").CountAsync() == 1 ? (await page.Locator("#password-value").TextContentAsync())!.Trim() : null;

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#message")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#password-value")).ToHaveCountAsync(0);
        Assert.Equal(before + 1, await CountAsync(auditKind));
        return secret;
    }

    private async Task<int> CountAsync(string kind) =>
        (await _server.GetRequiredService<IEstuaryStore>().ListAuditAsync(10_000, CancellationToken.None)).Count(e => e.Kind == kind);

    private async Task<IPage> LogInAsync()
    {
        var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await ChromiumFixture.LogInAsync(page, _server);
        return page;
    }
}
