using System.Net;
using Estuary.Testing;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>The REST API refuses requests without a valid key (401) and writes with an auditor's key (403), with plain-text reasons.</summary>
public sealed class ApiAuthorizationTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "certificates" },
        { "GET", "certificates/00" },
        { "GET", "certificates/00/pem" },
        { "GET", "templates" },
        { "GET", "templates/x" },
        { "POST", "templates" },
        { "PUT", "templates/x" },
        { "DELETE", "templates/x" },
        { "GET", "labels" },
        { "GET", "adapters" },
        { "GET", "adapters/builtin" },
        { "POST", "adapters" },
        { "PUT", "adapters/x" },
        { "DELETE", "adapters/x" },
        { "GET", "accounts" },
        { "GET", "accounts/est" },
        { "POST", "accounts" },
        { "PATCH", "accounts/est" },
        { "POST", "accounts/est/password" },
        { "GET", "audit" },
        { "GET", "ca" },
        { "GET", "api-keys" },
        { "POST", "api-keys" },
        { "DELETE", "api-keys/x" },
        { "GET", "admins" },
        { "GET", "approvals" },
        { "POST", "certificates/00/revoke" },
        { "POST", "admins" },
        { "PATCH", "admins/admin" },
        { "POST", "admins/admin/password" },
        { "POST", "approvals/1/approve" },
        { "POST", "approvals/1/reject" },
    };

    public static TheoryData<string, string> WriteEndpoints => new()
    {
        { "POST", "templates" },
        { "PUT", "templates/x" },
        { "DELETE", "templates/x" },
        { "POST", "accounts" },
        { "PATCH", "accounts/est" },
        { "POST", "accounts/est/password" },
        { "POST", "api-keys" },
        { "DELETE", "api-keys/x" },
        { "POST", "adapters" },
        { "PUT", "adapters/x" },
        { "DELETE", "adapters/x" },
        { "POST", "certificates/00/revoke" },
        { "POST", "admins" },
        { "PATCH", "admins/admin" },
        { "POST", "admins/admin/password" },
        { "POST", "approvals/1/approve" },
        { "POST", "approvals/1/reject" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_endpoint_without_a_key_answers_401_with_a_reason(string method, string path)
    {
        using var client = AdminTestClient.Api(server);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = AdminTestClient.Json(new { }) });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("API key", await response.Content.ReadAsStringAsync());
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [MemberData(nameof(WriteEndpoints))]
    public async Task An_auditor_key_on_a_write_endpoint_answers_403(string method, string path)
    {
        using var client = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "read"));
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = AdminTestClient.Json(new { }) });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("the role 'auditor' may not", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_wrong_or_deleted_key_answers_401()
    {
        var key = await AdminTestClient.KeyAsync(server, "read");
        using (var client = AdminTestClient.Api(server, key[..^2] + "00"))
        using (var response = await client.GetAsync("templates"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var id = key.Split('_')[1];
        Assert.True(await server.GetRequiredService<ApiKeyService>().DeleteAsync(id, "test", CancellationToken.None));
        using (var client = AdminTestClient.Api(server, key))
        using (var response = await client.GetAsync("templates"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_X_Api_Key_header_works_like_Bearer()
    {
        using var client = AdminTestClient.Api(server);
        client.DefaultRequestHeaders.Add("X-Api-Key", await AdminTestClient.KeyAsync(server, "read"));
        using var response = await client.GetAsync("ca");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_API()
    {
        using var client = server.CreateAdminClient();
        using var response = await client.GetAsync(server.AdminUrl("/openapi/v1.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await AdminTestClient.ReadJsonAsync(response);
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/templates", out _));
        Assert.True(paths.TryGetProperty("/api/v1/accounts/{username}", out _));
        Assert.True(paths.TryGetProperty("/api/v1/certificates", out _));
        Assert.True(paths.TryGetProperty("/api/v1/certificates/{serial}/revoke", out _));
        Assert.True(paths.TryGetProperty("/api/v1/admins/{username}", out _));
        Assert.True(paths.TryGetProperty("/api/v1/approvals/{id}/approve", out _));
    }
}
