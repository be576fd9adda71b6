using Estuary.Storage;
using Microsoft.Playwright;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// What each role sees in the console, in headless Chromium against a real server: the auditor sees no Approve,
/// Revoke or Save; the RA officer sees Approve, Revoke and account management but not Templates' Save or the
/// administrators' forms; the administrator sees everything, including the role of each administrator to set.
/// </summary>
public sealed class RoleBrowserTests(ChromiumFixture chromium, RoleServer server) : IClassFixture<ChromiumFixture>, IClassFixture<RoleServer>
{
    [Fact]
    public Task The_auditor_reads_every_page_but_sees_no_button_that_changes_anything() =>
        ShowsAsync(AdminRoles.Auditor, approve: false, revoke: false, manageAccounts: false, saveTemplate: false, administer: false);

    [Fact]
    public Task The_ra_officer_sees_approve_revoke_and_accounts_but_not_templates_save() =>
        ShowsAsync(AdminRoles.RaOfficer, approve: true, revoke: true, manageAccounts: true, saveTemplate: false, administer: false);

    [Fact]
    public Task The_administrator_sees_everything_and_sets_roles() =>
        ShowsAsync(AdminRoles.Administrator, approve: true, revoke: true, manageAccounts: true, saveTemplate: true, administer: true);

    private async Task ShowsAsync(string role, bool approve, bool revoke, bool manageAccounts, bool saveTemplate, bool administer)
    {
        var held = await server.HoldAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.AdminUrl("/admin/login"));
        await page.FillAsync("#username", RoleServer.UserOf(role));
        await page.FillAsync("#password", RoleServer.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");

        await page.GotoAsync(server.AdminUrl("/admin/approvals"));
        var row = page.Locator($"#pending tr[data-id='{held}']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator("button:has-text('Approve')")).ToHaveCountAsync(approve ? 1 : 0);
        await Assertions.Expect(row.Locator("button:has-text('Reject')")).ToHaveCountAsync(approve ? 1 : 0);
        await ChromiumFixture.ScreenshotAsync(page, $"30-{role}-approvals");

        await page.GotoAsync(server.AdminUrl("/admin/certificates/" + server.EnrolledSerial));
        await Assertions.Expect(page.Locator("#certificate")).ToContainTextAsync(server.EnrolledSerial);
        await Assertions.Expect(page.Locator("form#revoke")).ToHaveCountAsync(revoke ? 1 : 0);
        await Assertions.Expect(page.Locator("a[href='?handler=pem']")).ToHaveCountAsync(1);

        await page.GotoAsync(server.AdminUrl("/admin/templates"));
        await Assertions.Expect(page.Locator("#new-template")).ToHaveCountAsync(saveTemplate ? 1 : 0);
        await page.GotoAsync(server.AdminUrl("/admin/templates/edit/role-fixture"));
        await Assertions.Expect(page.Locator("#save")).ToHaveCountAsync(saveTemplate ? 1 : 0);
        await ChromiumFixture.ScreenshotAsync(page, $"31-{role}-template");

        await page.GotoAsync(server.AdminUrl("/admin/accounts"));
        await Assertions.Expect(page.Locator("#accounts")).ToContainTextAsync(server.EstUsername);
        await Assertions.Expect(page.Locator("#create-account")).ToHaveCountAsync(manageAccounts ? 1 : 0);
        await Assertions.Expect(page.Locator($"#accounts tr[data-user='{server.EstUsername}'] button:has-text('Disable')")).ToHaveCountAsync(manageAccounts ? 1 : 0);

        await page.GotoAsync(server.AdminUrl("/admin/admins"));
        var self = page.Locator($"#admins tr[data-user='{RoleServer.UserOf(role)}']");
        await Assertions.Expect(self.Locator("td.role")).ToContainTextAsync(role);
        await Assertions.Expect(page.Locator("#create-admin")).ToHaveCountAsync(administer ? 1 : 0);
        await Assertions.Expect(page.Locator("#admins select[name=role]")).ToHaveCountAsync(administer ? await page.Locator("#admins tbody tr").CountAsync() : 0);
        await ChromiumFixture.ScreenshotAsync(page, $"32-{role}-admins");

        await page.GotoAsync(server.AdminUrl("/admin/apikeys"));
        await Assertions.Expect(page.Locator("#create-key")).ToHaveCountAsync(administer ? 1 : 0);
        await Assertions.Expect(page.Locator("#apikeys button:has-text('Delete')")).ToHaveCountAsync(administer ? await page.Locator("#apikeys tbody tr").CountAsync() : 0);
    }
}
