using System.Net;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// Giving administrators roles: the change is audited with who made it, applies from the administrator's very next
/// request (the role is read from storage on each one), and the last enabled administrator can be neither demoted
/// nor disabled, through the API or the console.
/// </summary>
public sealed class AdminRoleManagementTests
{
    [Fact]
    public async Task A_role_given_in_the_console_applies_to_the_open_session_at_its_next_request_and_is_audited()
    {
        var server = new RoleServer();
        await server.InitializeAsync();
        try
        {
            var target = await server.NewAdminAsync(); // an auditor
            await server.GetRequiredService<AdminUserService>().ResetPasswordAsync(target, RoleServer.Password, "test", default);
            using var officer = new ConsoleClient(server);
            Assert.Equal(HttpStatusCode.Redirect, (await officer.LogInAsync(target, RoleServer.Password)).StatusCode);
            var fields = new Dictionary<string, string> { ["username"] = RoleServer.Unique("acct") };
            using (var refused = await officer.PostFormAsync("/admin/", "/admin/accounts?handler=create", fields))
            {
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            }

            using var admin = new ConsoleClient(server);
            Assert.Equal(HttpStatusCode.Redirect, (await admin.LogInAsync(RoleServer.UserOf(AdminRoles.Administrator), RoleServer.Password)).StatusCode);
            using (var promoted = await admin.PostFormAsync("/admin/admins", "/admin/admins?handler=role", new Dictionary<string, string> { ["username"] = target, ["role"] = "ra-officer" }))
            {
                Assert.True((int)promoted.StatusCode is >= 200 and < 400, ((int)promoted.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            using (var allowed = await officer.PostFormAsync("/admin/", "/admin/accounts?handler=create", fields))
            {
                Assert.NotEqual(HttpStatusCode.Forbidden, allowed.StatusCode);
            }

            Assert.NotNull(await server.GetRequiredService<AccountService>().FindAsync(fields["username"], default));
            var audit = await server.GetRequiredService<IManagementStore>().SearchAuditAsync(new AuditQuery { KindPrefix = "admin.role-changed", Limit = 5 }, default);
            var change = Assert.Single(audit);
            Assert.Equal("admin:" + RoleServer.UserOf(AdminRoles.Administrator), change.Actor);
            Assert.Contains($"'{target}': auditor -> ra-officer", change.Detail, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_last_administrator_can_be_neither_demoted_nor_disabled_through_the_api()
    {
        var server = new EstuaryTestServer(); // only the first-run administrator, "admin"
        await server.InitializeAsync();
        try
        {
            Assert.Equal(AdminRole.Administrator, (await server.GetRequiredService<AdminUserService>().FindAsync("admin", default))!.Role);
            using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "administrator"));

            using (var demote = await api.PatchAsync("admins/admin", AdminTestClient.Json(new { role = "auditor" })))
            {
                Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
                Assert.Contains("last enabled administrator", await demote.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using (var disable = await api.PatchAsync("admins/admin", AdminTestClient.Json(new { enabled = false })))
            {
                Assert.Equal(HttpStatusCode.Conflict, disable.StatusCode);
            }

            using (var unknown = await api.PatchAsync("admins/admin", AdminTestClient.Json(new { role = "root" })))
            {
                Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            }

            // With a second administrator, the first can be demoted; the answer shows the new role.
            using (var second = await api.PostAsync("admins", AdminTestClient.Json(new { username = "ops", role = "administrator" })))
            {
                Assert.Equal(HttpStatusCode.Created, second.StatusCode);
            }

            using var demoted = await api.PatchAsync("admins/admin", AdminTestClient.Json(new { role = "auditor" }));
            Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);
            Assert.Equal("auditor", (await AdminTestClient.ReadJsonAsync(demoted)).GetProperty("role").GetString());
            using var byDefault = await api.PostAsync("admins", AdminTestClient.Json(new { username = "viewer" }));
            Assert.Equal(HttpStatusCode.Created, byDefault.StatusCode);
            Assert.Equal(AdminRole.Auditor, (await server.GetRequiredService<AdminUserService>().FindAsync("viewer", default))!.Role); // least privilege unless named
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
