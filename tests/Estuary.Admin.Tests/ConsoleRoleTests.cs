using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Estuary.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Xunit;
using AdminPages = Estuary.Admin.Pages.Admin;

namespace Estuary.Admin.Tests;

/// <summary>
/// Every console page handler with a session of every role (HttpClient with cookies and antiforgery tokens, real
/// TLS): each role reads every page; a POST the role may not make is 403 with a reason even when forced (the button
/// is hidden, the form is not), and one it may make passes authorization. The least role each handler needs is this
/// table's, written apart from the server's, and a test fails for a page handler that has no row here.
/// </summary>
public sealed partial class ConsoleRoleTests(RoleServer server) : IClassFixture<RoleServer>
{
    private delegate Task<(string Action, Dictionary<string, string> Fields)> Post(RoleServer s);

    private static readonly string[] Pages =
    [
        "/admin/", "/admin/certificates", "/admin/approvals", "/admin/templates", "/admin/templates/edit", "/admin/templates/edit/role-fixture",
        "/admin/adapters", "/admin/adapters/edit", "/admin/accounts", "/admin/ca", "/admin/audit", "/admin/apikeys", "/admin/admins",
    ];

    // (page model, POST handler) → (the least role that may use it, a form that acts when allowed).
    private static readonly Dictionary<(Type Page, string Handler), (AdminRole Least, Post Build)> Posts = new()
    {
        [(typeof(AdminPages.Certificates.DetailModel), "Revoke")] = (AdminRole.RaOfficer, async s =>
            ($"/admin/certificates/{await s.EnrollAsync("CN=" + RoleServer.Unique("console-revoke"))}?handler=revoke", new() { ["reason"] = "superseded", ["confirm"] = "true" })),
        [(typeof(AdminPages.ApprovalsModel), "Approve")] = (AdminRole.RaOfficer, async s => ("/admin/approvals?handler=approve", new() { ["id"] = (await s.HoldAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture) })),
        [(typeof(AdminPages.ApprovalsModel), "Reject")] = (AdminRole.RaOfficer, async s =>
            ("/admin/approvals?handler=reject", new() { ["id"] = (await s.HoldAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture), ["reason"] = "no" })),
        [(typeof(AdminPages.Templates.IndexModel), "Delete")] = (AdminRole.Administrator, async s => ("/admin/templates?handler=delete", new() { ["name"] = await s.NewTemplateAsync() })),
        [(typeof(AdminPages.Templates.EditModel), "")] = (AdminRole.Administrator, _ => Form("/admin/templates/edit", new()
        {
            ["isNew"] = "true",
            ["Form.Name"] = RoleServer.Unique("t"),
            ["Form.Labels"] = RoleServer.Unique("l"),
            ["Form.AllowedKeys"] = "P-256",
        })),
        [(typeof(AdminPages.AdaptersModel), "Delete")] = (AdminRole.Administrator, async s => ("/admin/adapters?handler=delete", new() { ["name"] = await s.NewAdapterAsync() })),
        [(typeof(AdminPages.AdapterEditModel), "")] = (AdminRole.Administrator, _ => Form("/admin/adapters/edit", new()
        {
            ["isNew"] = "true",
            ["Form.Name"] = RoleServer.Unique("a"),
            ["Form.BaseUrl"] = "https://127.0.0.1:2",
            ["Form.TrustAnchorFingerprint"] = RoleServer.AnyFingerprint,
            ["Form.Username"] = "ra",
            ["Form.Password"] = "unused-password",
        })),
        [(typeof(AdminPages.AccountsModel), "Create")] = (AdminRole.RaOfficer, _ => Form("/admin/accounts?handler=create", new() { ["username"] = RoleServer.Unique("acct") })),
        [(typeof(AdminPages.AccountsModel), "Enabled")] = (AdminRole.RaOfficer, async s => ("/admin/accounts?handler=enabled", new() { ["username"] = await s.NewAccountAsync(), ["enabled"] = "false" })),
        [(typeof(AdminPages.AccountsModel), "Groups")] = (AdminRole.RaOfficer, async s => ("/admin/accounts?handler=groups", new() { ["username"] = await s.NewAccountAsync(), ["groups"] = "g" })),
        [(typeof(AdminPages.AccountsModel), "Reset")] = (AdminRole.RaOfficer, async s => ("/admin/accounts?handler=reset", new() { ["username"] = await s.NewAccountAsync() })),
        [(typeof(AdminPages.AdminsModel), "Create")] = (AdminRole.Administrator, _ => Form("/admin/admins?handler=create", new() { ["username"] = RoleServer.Unique("adm"), ["role"] = "auditor" })),
        [(typeof(AdminPages.AdminsModel), "Enabled")] = (AdminRole.Administrator, async s => ("/admin/admins?handler=enabled", new() { ["username"] = await s.NewAdminAsync(), ["enabled"] = "false" })),
        [(typeof(AdminPages.AdminsModel), "Reset")] = (AdminRole.Administrator, async s => ("/admin/admins?handler=reset", new() { ["username"] = await s.NewAdminAsync() })),
        [(typeof(AdminPages.AdminsModel), "Role")] = (AdminRole.Administrator, async s => ("/admin/admins?handler=role", new() { ["username"] = await s.NewAdminAsync(), ["role"] = "ra-officer" })),
        [(typeof(AdminPages.ApiKeysModel), "Create")] = (AdminRole.Administrator, _ => Form("/admin/apikeys?handler=create", new() { ["name"] = RoleServer.Unique("k"), ["role"] = "auditor", ["days"] = "7" })),
        [(typeof(AdminPages.ApiKeysModel), "Delete")] = (AdminRole.Administrator, async s => ("/admin/apikeys?handler=delete", new() { ["id"] = await s.NewApiKeyIdAsync() })),
        [(typeof(AdminPages.LogoutModel), "")] = (AdminRole.Auditor, _ => Form("/admin/logout", [])),
    };

    public static TheoryData<string> Roles() => new(AdminRoles.Names);

    public static TheoryData<string, string, string> RoleByPost()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (page, handler) in Posts.Keys)
        {
            foreach (var role in AdminRoles.Names)
            {
                data.Add(role, page.FullName!, handler);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Every_role_reads_every_page(string role)
    {
        using var console = await SignInAsync(role);
        foreach (var path in Pages.Append("/admin/certificates/" + server.EnrolledSerial).Append($"/admin/certificates/{server.EnrolledSerial}?handler=pem"))
        {
            using var response = await console.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{role} GET {path}: {(int)response.StatusCode}");
        }
    }

    [Theory]
    [MemberData(nameof(RoleByPost))]
    public async Task A_forced_post_is_refused_unless_the_role_may_make_it(string role, string page, string handler)
    {
        var (least, build) = Posts.Single(p => p.Key.Page.FullName == page && p.Key.Handler == handler).Value;
        Assert.True(AdminRoles.TryParse(role, out var caller));
        using var console = await SignInAsync(role);
        var (action, fields) = await build(server);

        // The token comes from the dashboard (the header's logout form): a role without the button still has a token.
        using var response = await console.PostFormAsync("/admin/", action, fields);
        var text = await response.Content.ReadAsStringAsync();

        if (caller >= least)
        {
            Assert.True(response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized) && (int)response.StatusCode < 500, $"{role} {action}: {(int)response.StatusCode} {text}");
            if (page != typeof(AdminPages.LogoutModel).FullName)
            {
                Assert.DoesNotContain("/admin/login", response.Headers.Location?.ToString() ?? "", StringComparison.Ordinal); // still signed in
            }
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role} {action}: {(int)response.StatusCode} {text}");
            Assert.Contains($"the role '{role}' may not", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_revoke_forced_by_an_auditor_leaves_the_certificate_valid()
    {
        var serial = await server.EnrollAsync("CN=" + RoleServer.Unique("kept"));
        using var console = await SignInAsync(AdminRoles.Auditor);

        using var response = await console.PostFormAsync("/admin/", $"/admin/certificates/{serial}?handler=revoke", new Dictionary<string, string> { ["reason"] = "keyCompromise", ["confirm"] = "true" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null((await server.GetRequiredService<IEstuaryStore>().FindCertificateAsync(serial, default))!.RevokedAt);
    }

    [Fact]
    public void Every_page_handler_has_a_permission_and_a_row_in_this_table()
    {
        var handlers = typeof(ApiEndpoints).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(PageModel)) && !t.IsAbstract)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Select(m => HandlerPattern().Match(m.Name))
                .Where(m => m.Success)
                .Select(m => (Page: t, Verb: m.Groups[1].Value, Handler: m.Groups[2].Value)))
            .ToList();

        Assert.Contains(handlers, h => h.Page == typeof(AdminPages.AccountsModel) && h.Handler == "Create");
        foreach (var (page, verb, handler) in handlers.Where(h => !ConsolePermissions.IsPublic(h.Page)))
        {
            Assert.True(ConsolePermissions.Required(page, verb.ToUpperInvariant(), handler) is not null, $"{page.Name}.On{verb}{handler} has no permission in ConsolePermissions");
            Assert.True(verb == "Get" || Posts.ContainsKey((page, handler)), $"{page.Name}.On{verb}{handler} has no row in ConsoleRoleTests");
        }
    }

    private static Task<(string, Dictionary<string, string>)> Form(string action, Dictionary<string, string> fields) => Task.FromResult((action, fields));

    private async Task<ConsoleClient> SignInAsync(string role)
    {
        var console = new ConsoleClient(server);
        using var login = await console.LogInAsync(RoleServer.UserOf(role), RoleServer.Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return console;
    }

    [GeneratedRegex("^On(Get|Post|Put|Delete|Patch)(.*?)(?:Async)?$")]
    private static partial Regex HandlerPattern();
}
