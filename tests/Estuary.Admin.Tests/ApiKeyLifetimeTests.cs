using System.Net;
using Estuary.Storage;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// API keys carry a role, an expiry (90 days unless chosen, at most 730) and their last use, over real HTTP: an
/// expired key gets 401 with the reason; a use is recorded, at most once a minute per key.
/// </summary>
public sealed class ApiKeyLifetimeTests(RoleServer server) : IClassFixture<RoleServer>
{
    [Fact]
    public async Task A_key_created_through_the_api_has_its_role_and_expiry_and_the_creation_is_audited_with_who()
    {
        using var admin = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "administrator"));
        var name = RoleServer.Unique("ci");

        using var created = await admin.PostAsync("api-keys", AdminTestClient.Json(new { name, role = "ra-officer", expiresInDays = 10 }));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var body = await AdminTestClient.ReadJsonAsync(created);
        Assert.Equal("ra-officer", body.GetProperty("role").GetString());
        var expires = body.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromDays(9.9), TimeSpan.FromDays(10));

        using var defaulted = await admin.PostAsync("api-keys", AdminTestClient.Json(new { name = name + "-d", role = "auditor" }));
        var defaultExpiry = (await AdminTestClient.ReadJsonAsync(defaulted)).GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(defaultExpiry - DateTimeOffset.UtcNow, TimeSpan.FromDays(89.9), TimeSpan.FromDays(90));

        var id = body.GetProperty("id").GetString()!;
        var audit = await server.GetRequiredService<IManagementStore>().SearchAuditAsync(new AuditQuery { KindPrefix = "apikey.created", Text = id, Limit = 5 }, default);
        var e = Assert.Single(audit);
        Assert.StartsWith("apikey:", e.Actor, StringComparison.Ordinal);
        Assert.Contains("role ra-officer", e.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"name\":\"x\",\"role\":\"root\"}", "role must be one of auditor, ra-officer, administrator")]
    [InlineData("{\"name\":\"x\",\"role\":\"auditor\",\"expiresInDays\":0}", "lifetime must be 1 to 730 days")]
    [InlineData("{\"name\":\"x\",\"role\":\"auditor\",\"expiresInDays\":731}", "lifetime must be 1 to 730 days")]
    [InlineData("{\"name\":\"x\",\"scope\":\"write\"}", "have a role now, not a scope")]
    [InlineData("{\"name\":\"x\"}", "role must be one of")]
    public async Task A_key_request_without_a_valid_role_or_lifetime_is_400_with_the_reason(string json, string reason)
    {
        using var admin = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "administrator"));

        using var response = await admin.PostAsync("api-keys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_key_is_refused_with_401_and_the_reason()
    {
        // A key whose expiry has passed, as storage holds it after its lifetime (the API never creates one in the past).
        var key = await AdminTestClient.KeyAsync(server, "administrator");
        var id = key.Split('_')[1];
        var store = server.GetRequiredService<IManagementStore>();
        var record = (await store.FindApiKeyAsync(id, default))!;
        Assert.True(await store.DeleteApiKeyAsync(id, new AuditEvent(DateTimeOffset.UtcNow, "apikey.deleted", "test", id), default));
        await store.InsertApiKeyAsync(record with { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1) }, new AuditEvent(DateTimeOffset.UtcNow, "apikey.created", "test", id), default);
        using var api = AdminTestClient.Api(server, key);

        using var response = await api.GetAsync("ca");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains($"the API key {id}", text, StringComparison.Ordinal);
        Assert.Contains("expired at", text, StringComparison.Ordinal);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_use_is_recorded_and_listed_and_uses_within_a_minute_do_not_write_again()
    {
        var key = await AdminTestClient.KeyAsync(server, "auditor");
        var id = key.Split('_')[1];
        var store = server.GetRequiredService<IManagementStore>();
        Assert.Null((await store.FindApiKeyAsync(id, default))!.LastUsedAt);
        using var api = AdminTestClient.Api(server, key);

        using (var first = await api.GetAsync("ca"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var used = (await store.FindApiKeyAsync(id, default))!.LastUsedAt;
        Assert.NotNull(used);
        Assert.InRange(DateTimeOffset.UtcNow - used.Value, TimeSpan.Zero, TimeSpan.FromMinutes(1));

        // Uses right after are within the minute: the recorded time stays that of the first.
        for (var i = 0; i < 3; i++)
        {
            using var again = await api.GetAsync("ca");
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal(used, (await store.FindApiKeyAsync(id, default))!.LastUsedAt);
        using var listed = await api.GetAsync("api-keys");
        var row = (await AdminTestClient.ReadJsonAsync(listed)).EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.Equal(used.Value, row.GetProperty("lastUsedAt").GetDateTimeOffset());
        Assert.Equal("auditor", row.GetProperty("role").GetString());
        Assert.False(row.GetProperty("expired").GetBoolean());
    }
}
