using System.Net;
using Estuary.Admin.Pages.Admin.Templates;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// Console forms (issue #14): every mistake at once, beside its field, in the form's words, with what was typed
/// kept; key types and usages as choices that keep stored values they do not offer; configuration labels shown
/// read-only; every POST answered with 303 to a GET page and a new password shown exactly once.
/// </summary>
public sealed class ConsoleFormTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:factory:ValidityDays"] = "30",
        ["Estuary:Labels:factory:AllowedKeys:0"] = "P-384",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_template_form_with_four_mistakes_shows_all_four_beside_their_fields_in_the_forms_words_and_keeps_what_was_typed()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await LogInAsync(context);
        await page.GotoAsync(_server.AdminUrl("/admin/templates/edit"));
        await Assertions.Expect(page.Locator("#AllowedKeys input[type=checkbox]")).ToHaveCountAsync(TemplateForm.KeyChoices.Count);
        await Assertions.Expect(page.Locator("#KeyUsage input[type=checkbox]")).ToHaveCountAsync(TemplateForm.KeyUsageChoices.Count);
        await Assertions.Expect(page.Locator("#ExtendedKeyUsage input[type=checkbox]")).ToHaveCountAsync(4);

        await page.FillAsync("#Name", "bad name!");
        await page.FillAsync("#Description", "typed and kept");
        await page.FillAsync("#Labels", "");
        await page.FillAsync("#ValidityDays", "0");
        foreach (var box in await page.Locator("#AllowedKeys input[type=checkbox]").AllAsync())
        {
            await box.UncheckAsync();
        }

        await page.ClickAsync("#save");

        await Assertions.Expect(page.Locator(".field-error")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("#Name-error")).ToHaveTextAsync("Name must be 1 to 64 characters of letters, digits, '-', '_' or '.'");
        await Assertions.Expect(page.Locator("#Labels-error")).ToHaveTextAsync("CA labels: name at least one CA label");
        await Assertions.Expect(page.Locator("#ValidityDays-error")).ToHaveTextAsync("Validity (days) must be between 1 and 3650");
        await Assertions.Expect(page.Locator("#AllowedKeys-error")).ToContainTextAsync("Allowed keys: name at least one key type");
        await Assertions.Expect(page.Locator("#problems")).ToContainTextAsync("4 problems");
        var text = await page.Locator("main").InnerTextAsync();
        Assert.DoesNotContain("ValidityDays", text, StringComparison.Ordinal);
        Assert.DoesNotContain("AllowedKeys", text, StringComparison.Ordinal);
        Assert.Equal("bad name!", await page.InputValueAsync("#Name"));
        Assert.Equal("typed and kept", await page.InputValueAsync("#Description"));
        Assert.Equal("0", await page.InputValueAsync("#ValidityDays"));
        await ChromiumFixture.ScreenshotAsync(page, "31-template-four-mistakes");

        // Corrected in the same form, it saves; nothing was saved before.
        Assert.Empty(_server.GetRequiredService<TemplateService>().Templates);
        await page.FillAsync("#Name", "fixed-up");
        await page.FillAsync("#Labels", "fixed-up");
        await page.FillAsync("#ValidityDays", "90");
        await page.CheckAsync("#AllowedKeys input[value='P-256']");
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("Template 'fixed-up' saved");
        var saved = Assert.Single(_server.GetRequiredService<TemplateService>().Templates).Definition;
        Assert.Equal(["P-256"], saved.AllowedKeys);
        Assert.Equal(90, saved.ValidityDays);
    }

    [Fact]
    public async Task Labels_from_configuration_are_on_the_templates_page_read_only()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await LogInAsync(context);
        await page.GotoAsync(_server.AdminUrl("/admin/templates"));
        var row = page.Locator("tr[data-label=factory]");
        await Assertions.Expect(row).ToContainTextAsync("from configuration");
        await Assertions.Expect(row).ToContainTextAsync("P-384");
        await Assertions.Expect(row).ToContainTextAsync("30 days");
        await Assertions.Expect(row.Locator("a, button, form")).ToHaveCountAsync(0);
        await ChromiumFixture.ScreenshotAsync(page, "32-configuration-labels");

        // And a template cannot take the label over.
        await page.GotoAsync(_server.AdminUrl("/admin/templates/edit"));
        await page.FillAsync("#Name", "takeover");
        await page.FillAsync("#Labels", "factory");
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#Labels-error")).ToContainTextAsync("label 'factory' is declared in configuration");
    }

    [Fact]
    public async Task Stored_values_the_choices_do_not_offer_still_show_and_survive_a_save()
    {
        var templates = _server.GetRequiredService<TemplateService>();
        var stored = new TemplateDefinition
        {
            Name = "legacy",
            Labels = ["legacy"],
            AllowedKeys = ["p-256", "rsa"],
            KeyUsage = ["digitalSignature", "keyAgreement"],
            ExtendedKeyUsage = ["ClientAuth", "1.3.6.1.5.5.7.3.17"],
        };
        Assert.Empty(await templates.SaveAsync(stored, create: true, "api", CancellationToken.None));

        await using var context = await chromium.NewContextAsync();
        var page = await LogInAsync(context);
        await page.GotoAsync(_server.AdminUrl("/admin/templates/edit/legacy"));
        await Assertions.Expect(page.Locator("#AllowedKeys input[value='P-256']")).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#AllowedKeys input[value='RSA']")).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#KeyUsage input[value='KeyAgreement']")).ToBeCheckedAsync();
        Assert.Equal("1.3.6.1.5.5.7.3.17", await page.InputValueAsync("#ExtendedKeyUsageOids"));
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("Template 'legacy' saved");
        var saved = templates.Find("legacy")!.Definition;
        Assert.Equal(["ClientAuth", "1.3.6.1.5.5.7.3.17"], saved.ExtendedKeyUsage);
        Assert.Equal(["DigitalSignature", "KeyAgreement"], saved.KeyUsage);

        // A value no choice matches (stored by an older version) is an extra ticked box, not dropped.
        var form = TemplateForm.From(new TemplateDefinition { AllowedKeys = ["P-256", "Ed25519"] });
        Assert.Equal(["Ed25519"], TemplateForm.Extras(form.AllowedKeys, TemplateForm.KeyChoices));
        Assert.Equal(["P-256", "Ed25519"], form.ToDefinition().Definition.AllowedKeys);
    }

    [Fact]
    public async Task Every_console_post_is_answered_with_303_to_a_get_page_and_a_new_password_is_shown_exactly_once()
    {
        await _server.GetRequiredService<AccountService>().CreateAsync("dev-9", [], "test", CancellationToken.None);
        using var console = new ConsoleClient(_server);
        using (var login = await console.LogInAsync("admin", await ConsoleClient.AdminPasswordAsync(_server)))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        // (page with the form, action, fields); each answer is 303 to that page, or to the list a saved form returns to.
        (string Page, string Action, Dictionary<string, string> Fields)[] posts =
        [
            ("/admin/accounts", "/admin/accounts?handler=create", new() { ["username"] = "dev-10", ["groups"] = "lab" }),
            ("/admin/accounts", "/admin/accounts?handler=create", new() { ["username"] = "bad name", ["groups"] = "" }),
            ("/admin/accounts", "/admin/accounts?handler=groups", new() { ["username"] = "dev-9", ["groups"] = "lab" }),
            ("/admin/accounts", "/admin/accounts?handler=enabled", new() { ["username"] = "dev-9", ["enabled"] = "false" }),
            ("/admin/accounts", "/admin/accounts?handler=reset", new() { ["username"] = "dev-9" }),
            ("/admin/admins", "/admin/admins?handler=create", new() { ["username"] = "ops-dan", ["password"] = "" }),
            ("/admin/admins", "/admin/admins?handler=enabled", new() { ["username"] = "ops-dan", ["enabled"] = "false" }),
            ("/admin/admins", "/admin/admins?handler=reset", new() { ["username"] = "ops-dan", ["password"] = "" }),
            ("/admin/apikeys", "/admin/apikeys?handler=create", new() { ["name"] = "k", ["scope"] = "read" }),
            ("/admin/apikeys", "/admin/apikeys?handler=delete", new() { ["id"] = "0000000000000000" }),
            ("/admin/templates", "/admin/templates?handler=delete", new() { ["name"] = "nothing-here" }),
            ("/admin/templates/edit", "/admin/templates/edit", new() { ["isNew"] = "true", ["Form.Name"] = "t1", ["Form.Labels"] = "t1", ["Form.AllowedKeys"] = "P-256", ["Form.SubjectAttributes"] = "CN", ["Form.ValidityDays"] = "30", ["Form.MaxSans"] = "1", ["Form.MinRsaBits"] = "2048" }),
            ("/admin/templates/edit", "/admin/templates/edit", new() { ["isNew"] = "true", ["Form.Name"] = "t2", ["Form.ValidityDays"] = "soon" }),
            ("/admin/adapters", "/admin/adapters?handler=delete", new() { ["name"] = "nothing-here" }),
            ("/admin/adapters/edit", "/admin/adapters/edit", new() { ["isNew"] = "true", ["Form.Name"] = "a1", ["Form.TimeoutSeconds"] = "" }),
            ("/admin/approvals", "/admin/approvals?handler=approve", new() { ["id"] = "424242" }),
            ("/admin/approvals", "/admin/approvals?handler=reject", new() { ["id"] = "424242", ["reason"] = "no" }),
        ];
        foreach (var (page, action, fields) in posts)
        {
            using var response = await console.PostFormAsync(page, action, fields);
            Assert.True(response.StatusCode == HttpStatusCode.SeeOther, $"{action}: {(int)response.StatusCode}");
            var saved = response.Headers.Location?.OriginalString == "/admin/templates" && fields.GetValueOrDefault("Form.Name") == "t1";
            Assert.Equal(saved ? "/admin/templates" : page, response.Headers.Location?.OriginalString);
        }

        // The reset's password waits on the server for the GET after the redirect, and only for it.
        using (var reset = await console.PostFormAsync("/admin/accounts", "/admin/accounts?handler=reset", new Dictionary<string, string> { ["username"] = "dev-9" }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, reset.StatusCode);
            Assert.DoesNotContain("password", reset.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
        }

        using (var shown = await console.GetAsync("/admin/accounts"))
        {
            var html = await shown.Content.ReadAsStringAsync();
            Assert.Contains("id=\"password-value\"", html, StringComparison.Ordinal);
        }

        using (var again = await console.GetAsync("/admin/accounts"))
        {
            Assert.DoesNotContain("id=\"password-value\"", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var audit = await _server.GetRequiredService<IEstuaryStore>().ListAuditAsync(1000, CancellationToken.None);
        Assert.Equal(2, audit.Count(e => e.Kind == "account.password-reset"));
        Assert.Single(audit, e => e.Kind == "template.created");
    }

    private async Task<IPage> LogInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await ChromiumFixture.LogInAsync(page, _server);
        return page;
    }
}
