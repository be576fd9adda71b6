using System.Net;
using Estuary.Storage;
using Microsoft.AspNetCore.Routing;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// Every REST API endpoint with an API key of every role, over real TLS to the admin listener: what the role may do
/// succeeds (2xx) and what it may not is 403 with a reason and changes nothing. The expected outcome comes from this
/// table (the least role each endpoint needs), written apart from the server's own table, and a test fails for an
/// endpoint that has no row here.
/// </summary>
public sealed class ApiRoleTests(RoleServer server) : IClassFixture<RoleServer>
{
    private delegate Task<HttpRequestMessage> Request(RoleServer s);

    // Endpoint name → (the least role that may call it, a request that succeeds when allowed, its 2xx status).
    private static readonly Dictionary<string, (AdminRole Least, Request Build, HttpStatusCode Success)> Rows = new(StringComparer.Ordinal)
    {
        ["ListCertificates"] = (AdminRole.Auditor, Get("certificates"), HttpStatusCode.OK),
        ["GetCertificate"] = (AdminRole.Auditor, s => Send(HttpMethod.Get, $"certificates/{s.EnrolledSerial}"), HttpStatusCode.OK),
        ["DownloadCertificate"] = (AdminRole.Auditor, s => Send(HttpMethod.Get, $"certificates/{s.EnrolledSerial}/pem"), HttpStatusCode.OK),
        ["RevokeCertificate"] = (AdminRole.RaOfficer, async s => await Send(HttpMethod.Post, $"certificates/{await s.EnrollAsync("CN=" + RoleServer.Unique("revoke"))}/revoke", new { reason = "superseded" }), HttpStatusCode.OK),

        ["ListTemplates"] = (AdminRole.Auditor, Get("templates"), HttpStatusCode.OK),
        ["GetTemplate"] = (AdminRole.Auditor, Get("templates/role-fixture"), HttpStatusCode.OK),
        ["ListLabels"] = (AdminRole.Auditor, Get("labels"), HttpStatusCode.OK),
        ["CreateTemplate"] = (AdminRole.Administrator, _ => Template(HttpMethod.Post, RoleServer.Unique("t"), ""), HttpStatusCode.Created),
        ["UpdateTemplate"] = (AdminRole.Administrator, async s => { var n = await s.NewTemplateAsync(); return await Template(HttpMethod.Put, n, "/" + n); }, HttpStatusCode.OK),
        ["DeleteTemplate"] = (AdminRole.Administrator, async s => await Send(HttpMethod.Delete, "templates/" + await s.NewTemplateAsync()), HttpStatusCode.NoContent),

        ["ListAdapters"] = (AdminRole.Auditor, Get("adapters"), HttpStatusCode.OK),
        ["GetAdapter"] = (AdminRole.Auditor, Get("adapters/builtin"), HttpStatusCode.OK),
        ["CreateAdapter"] = (AdminRole.Administrator, _ => Adapter(HttpMethod.Post, RoleServer.Unique("a"), ""), HttpStatusCode.Created),
        ["UpdateAdapter"] = (AdminRole.Administrator, async s => { var n = await s.NewAdapterAsync(); return await Adapter(HttpMethod.Put, n, "/" + n); }, HttpStatusCode.OK),
        ["DeleteAdapter"] = (AdminRole.Administrator, async s => await Send(HttpMethod.Delete, "adapters/" + await s.NewAdapterAsync()), HttpStatusCode.NoContent),

        ["ListAccounts"] = (AdminRole.Auditor, Get("accounts"), HttpStatusCode.OK),
        ["GetAccount"] = (AdminRole.Auditor, s => Send(HttpMethod.Get, "accounts/" + s.EstUsername), HttpStatusCode.OK),
        ["CreateAccount"] = (AdminRole.RaOfficer, _ => Send(HttpMethod.Post, "accounts", new { username = RoleServer.Unique("acct") }), HttpStatusCode.Created),
        ["UpdateAccount"] = (AdminRole.RaOfficer, async s => await Send(HttpMethod.Patch, "accounts/" + await s.NewAccountAsync(), new { groups = new[] { "g" } }), HttpStatusCode.OK),
        ["ResetAccountPassword"] = (AdminRole.RaOfficer, async s => await Send(HttpMethod.Post, $"accounts/{await s.NewAccountAsync()}/password"), HttpStatusCode.OK),

        ["ListApprovals"] = (AdminRole.Auditor, Get("approvals"), HttpStatusCode.OK),
        ["ApproveRequest"] = (AdminRole.RaOfficer, async s => await Send(HttpMethod.Post, $"approvals/{await s.HoldAsync()}/approve"), HttpStatusCode.OK),
        ["RejectRequest"] = (AdminRole.RaOfficer, async s => await Send(HttpMethod.Post, $"approvals/{await s.HoldAsync()}/reject", new { reason = "not this one" }), HttpStatusCode.OK),

        ["ListAudit"] = (AdminRole.Auditor, Get("audit"), HttpStatusCode.OK),
        ["GetCa"] = (AdminRole.Auditor, Get("ca"), HttpStatusCode.OK),

        ["ListAdmins"] = (AdminRole.Auditor, Get("admins"), HttpStatusCode.OK),
        ["CreateAdmin"] = (AdminRole.Administrator, _ => Send(HttpMethod.Post, "admins", new { username = RoleServer.Unique("adm"), role = "auditor" }), HttpStatusCode.Created),
        ["UpdateAdmin"] = (AdminRole.Administrator, async s => await Send(HttpMethod.Patch, "admins/" + await s.NewAdminAsync(), new { role = "ra-officer" }), HttpStatusCode.OK),
        ["SetAdminPassword"] = (AdminRole.Administrator, async s => await Send(HttpMethod.Post, $"admins/{await s.NewAdminAsync()}/password"), HttpStatusCode.OK),

        ["ListApiKeys"] = (AdminRole.Auditor, Get("api-keys"), HttpStatusCode.OK),
        ["CreateApiKey"] = (AdminRole.Administrator, _ => Send(HttpMethod.Post, "api-keys", new { name = RoleServer.Unique("k"), role = "auditor", expiresInDays = 7 }), HttpStatusCode.OK),
        ["DeleteApiKey"] = (AdminRole.Administrator, async s => await Send(HttpMethod.Delete, "api-keys/" + await s.NewApiKeyIdAsync()), HttpStatusCode.NoContent),
    };

    public static TheoryData<string, string> RoleByEndpoint()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in Rows.Keys)
        {
            foreach (var role in AdminRoles.Names)
            {
                data.Add(role, endpoint);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RoleByEndpoint))]
    public async Task A_key_of_each_role_is_allowed_exactly_what_its_role_may_do(string role, string endpoint)
    {
        var (least, build, success) = Rows[endpoint];
        Assert.True(AdminRoles.TryParse(role, out var caller));
        using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, role));
        var auditBefore = (await server.GetRequiredService<IManagementStore>().SearchAuditAsync(new AuditQuery { Limit = 1 }, default)).Single().Time;

        using var request = await build(server);
        using var response = await api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        if (caller >= least)
        {
            Assert.True(response.StatusCode == success, $"{role} {endpoint}: {(int)response.StatusCode} {text}");
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{role} {endpoint}: {(int)response.StatusCode} {text}");
            Assert.Contains($"the role '{role}' may not", text, StringComparison.Ordinal);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            var newest = (await server.GetRequiredService<IManagementStore>().SearchAuditAsync(new AuditQuery { Limit = 1 }, default)).Single();
            Assert.True(newest.Time <= auditBefore || !newest.Actor.StartsWith("apikey:", StringComparison.Ordinal), $"a refused {endpoint} recorded {newest.Kind}");
        }
    }

    [Fact]
    public void Every_api_endpoint_has_a_permission_and_a_row_in_this_table()
    {
        var names = server.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(ApiEndpoints.BasePath, StringComparison.Ordinal) == true)
            .Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "(unnamed) " + e.RoutePattern.RawText)
            .ToList();

        Assert.True(names.Count >= Rows.Count, string.Join(", ", names));
        Assert.All(names, n => Assert.True(ApiPermissions.Required(n) is not null, $"{n} has no permission in ApiPermissions"));
        Assert.All(names, n => Assert.True(Rows.ContainsKey(n), $"{n} has no row in ApiRoleTests"));
        Assert.All(Rows.Keys, n => Assert.Contains(n, names));
    }

    private static Request Get(string path) => _ => Send(HttpMethod.Get, path);

    private static Task<HttpRequestMessage> Send(HttpMethod method, string path, object? body = null) =>
        Task.FromResult(new HttpRequestMessage(method, path) { Content = body is null ? null : AdminTestClient.Json(body) });

    private static Task<HttpRequestMessage> Template(HttpMethod method, string name, string suffix) =>
        Send(method, "templates" + suffix, new { name, labels = new[] { name }, allowedKeys = new[] { "P-256" } });

    private static Task<HttpRequestMessage> Adapter(HttpMethod method, string name, string suffix) =>
        Send(method, "adapters" + suffix, new { name, baseUrl = "https://127.0.0.1:2", trustAnchorFingerprint = RoleServer.AnyFingerprint, username = "ra", password = "unused-password" });
}
