using System.Net;
using Estuary.Testing;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>Revocation and administrator management through the REST API of a real server, with write and read keys.</summary>
public sealed class ManagementApiTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    private async Task<string> EnrollAsync(string subject)
    {
        using var est = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var certificate = await EstWire.EnrollAsync(est, subject, key);
        return certificate.SerialNumber;
    }

    [Fact]
    public async Task A_write_key_revokes_a_certificate_and_the_API_CRL_and_audit_say_so()
    {
        var serial = await EnrollAsync("CN=api-revoked");
        using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "write"));

        using var revoke = await api.PostAsync($"certificates/{serial.ToLowerInvariant()}/revoke", AdminTestClient.Json(new { reason = "keyCompromise" }));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var body = await AdminTestClient.ReadJsonAsync(revoke);
        Assert.Equal("revoked", body.GetProperty("certificate").GetProperty("status").GetString());
        Assert.Equal("keyCompromise", body.GetProperty("reason").GetString());
        Assert.False(body.GetProperty("alreadyRevoked").GetBoolean());
        var detail = await AdminTestClient.ReadJsonAsync(await api.GetAsync($"certificates/{serial}"));
        Assert.Equal("revoked", detail.GetProperty("status").GetString());
        var revokedList = await api.GetStringAsync("certificates?status=revoked");
        Assert.Contains(serial, revokedList, StringComparison.Ordinal);

        // The CRL the server publishes lists it (RFC 5280 §5.3.1 reason code 1).
        using var anonymous = server.CreateClient();
        var crl = await anonymous.GetByteArrayAsync(new Uri(server.BaseUri, "/crl/issuing.crl"));
        var crlFile = Path.Combine(server.DataDir, "api-test.crl");
        await File.WriteAllBytesAsync(crlFile, crl);
        var (code, text) = await Processes.RunAsync("openssl", $"crl -inform DER -in {crlFile} -noout -text");
        Assert.True(code == 0, text);
        Assert.Contains("Serial Number: " + serial, text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Key Compromise", text, StringComparison.Ordinal);

        using var again = await api.PostAsync($"certificates/{serial}/revoke", AdminTestClient.Json(new { reason = "superseded" }));
        var second = await AdminTestClient.ReadJsonAsync(again);
        Assert.True(second.GetProperty("alreadyRevoked").GetBoolean());
        Assert.Equal("keyCompromise", second.GetProperty("reason").GetString());
        var audit = await api.GetStringAsync("audit?kind=certificate.revoked");
        Assert.Contains(serial, audit, StringComparison.Ordinal);
        Assert.Contains("apikey:", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_key_cannot_revoke_and_the_certificate_stays_valid()
    {
        var serial = await EnrollAsync("CN=api-not-revoked");
        using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "read"));

        using var refused = await api.PostAsync($"certificates/{serial}/revoke", AdminTestClient.Json(new { reason = "keyCompromise" }));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("the role 'auditor' may not", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var detail = await AdminTestClient.ReadJsonAsync(await api.GetAsync($"certificates/{serial}"));
        Assert.Equal("valid", detail.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("0ABC", "{\"reason\":\"keyCompromise\"}", HttpStatusCode.NotFound, "no certificate")]
    [InlineData("not-hex", "{\"reason\":\"keyCompromise\"}", HttpStatusCode.BadRequest, "not a certificate serial")]
    [InlineData("0ABC", "{\"reason\":\"certificateHold\"}", HttpStatusCode.BadRequest, "unknown revocation reason")]
    [InlineData("0ABC", "{\"reason\":", HttpStatusCode.BadRequest, "not valid JSON")]
    public async Task Bad_revocation_requests_get_a_4xx_with_a_reason(string serial, string json, HttpStatusCode status, string reason)
    {
        using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "write"));

        using var response = await api.PostAsync($"certificates/{serial}/revoke", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Administrators_are_created_disabled_and_given_passwords_through_the_API()
    {
        using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "write"));
        var admins = server.GetRequiredService<AdminUserService>();

        using var weak = await api.PostAsync("admins", AdminTestClient.Json(new { username = "api-weak", password = "password" }));
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("at least 12 characters", await weak.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var chosen = await api.PostAsync("admins", AdminTestClient.Json(new { username = "api-carol", password = "Tide-Pool-2026!" }));
        Assert.Equal(HttpStatusCode.Created, chosen.StatusCode);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await AdminTestClient.ReadJsonAsync(chosen)).GetProperty("password").ValueKind);
        Assert.True((await admins.LoginAsync("api-carol", "Tide-Pool-2026!", "test", default)).Success);

        using var generated = await api.PostAsync("admins", AdminTestClient.Json(new { username = "api-dave" }));
        var password = (await AdminTestClient.ReadJsonAsync(generated)).GetProperty("password").GetString()!;
        Assert.True((await admins.LoginAsync("api-dave", password, "test", default)).Success);
        using var taken = await api.PostAsync("admins", AdminTestClient.Json(new { username = "api-dave" }));
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);

        using var disable = await api.PatchAsync("admins/api-dave", AdminTestClient.Json(new { enabled = false }));
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.False((await AdminTestClient.ReadJsonAsync(disable)).GetProperty("enabled").GetBoolean());
        var login = await admins.LoginAsync("api-dave", password, "test", default);
        Assert.False(login.Success);
        Assert.Contains("disabled", login.Reason, StringComparison.Ordinal);

        using var reset = await api.PostAsync("admins/api-dave/password", null);
        var newPassword = (await AdminTestClient.ReadJsonAsync(reset)).GetProperty("password").GetString()!;
        Assert.NotEqual(password, newPassword);
        using var enable = await api.PatchAsync("admins/api-dave", AdminTestClient.Json(new { enabled = true }));
        Assert.True((await admins.LoginAsync("api-dave", newPassword, "test", default)).Success);
        using var missing = await api.PatchAsync("admins/nobody", AdminTestClient.Json(new { enabled = false }));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var listed = await api.GetStringAsync("admins");
        Assert.Contains("api-carol", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("pbkdf2", listed, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hash", listed, StringComparison.OrdinalIgnoreCase);
        var audit = await api.GetStringAsync("audit?kind=admin.");
        Assert.Contains("admin.disabled", audit, StringComparison.Ordinal);
        Assert.Contains("admin.password-reset", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_last_enabled_administrator_cannot_be_disabled()
    {
        var fresh = new EstuaryTestServer();
        await fresh.InitializeAsync();
        try
        {
            using var api = AdminTestClient.Api(fresh, await AdminTestClient.KeyAsync(fresh, "write"));
            using var second = await api.PostAsync("admins", AdminTestClient.Json(new { username = "second", role = "administrator" }));
            using var first = await api.PatchAsync("admins/admin", AdminTestClient.Json(new { enabled = false }));
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);

            using var last = await api.PatchAsync("admins/second", AdminTestClient.Json(new { enabled = false }));

            Assert.Equal(HttpStatusCode.Conflict, last.StatusCode);
            Assert.Contains("last enabled administrator", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }
}
