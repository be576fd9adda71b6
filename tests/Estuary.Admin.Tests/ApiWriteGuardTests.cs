using System.Net;
using System.Text;
using Estuary.Testing;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// API writes refuse what a browser on another site can send without a preflight: a form or text/plain body
/// gets 415, a foreign Origin 403, each with a plain-text reason.
/// </summary>
public sealed class ApiWriteGuardTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    private string Origin => server.AdminBaseUri.GetLeftPart(UriPartial.Authority);

    [Fact]
    public async Task A_text_plain_body_that_holds_JSON_gets_415_and_creates_nothing()
    {
        using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "write"));

        using var response = await api.PostAsync("accounts", new StringContent("{\"username\":\"csrf-plain\"}", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var missing = await api.GetAsync("accounts/csrf-plain");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_form_post_gets_415_even_without_fields_on_a_route_that_needs_no_body()
    {
        using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "write"));

        using var form = await api.PostAsync("accounts", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "csrf-form" }));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        using var empty = await api.PostAsync($"accounts/{server.EstUsername}/password", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, empty.StatusCode);
        Assert.Contains("application/json", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_with_a_foreign_Origin_gets_403_and_one_with_this_servers_origin_passes()
    {
        using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "write"));

        using (var foreign = new HttpRequestMessage(HttpMethod.Post, "accounts") { Content = AdminTestClient.Json(new { username = "csrf-origin" }) })
        {
            foreign.Headers.Add("Origin", "https://attacker.example");
            using var response = await api.SendAsync(foreign);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("another origin", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var opaque = new HttpRequestMessage(HttpMethod.Delete, "api-keys/nothing"))
        {
            opaque.Headers.Add("Origin", "null");
            using var response = await api.SendAsync(opaque);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using (var own = new HttpRequestMessage(HttpMethod.Post, "accounts") { Content = AdminTestClient.Json(new { username = "same-origin" }) })
        {
            own.Headers.Add("Origin", Origin);
            using var response = await api.SendAsync(own);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        // Reads are not writes: a foreign Origin on a GET changes nothing and is answered (CORS keeps the answer from that site).
        using var read = new HttpRequestMessage(HttpMethod.Get, "ca");
        read.Headers.Add("Origin", "https://attacker.example");
        using var answered = await api.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task A_write_without_a_body_or_with_JSON_still_works()
    {
        using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "write"));

        using var created = await api.PostAsync("accounts", AdminTestClient.Json(new { username = "json-ok" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var reset = await api.PostAsync("accounts/json-ok/password", null);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
    }
}
