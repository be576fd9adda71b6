using System.Net;
using System.Text.Json;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// /api/v1/adapters against real servers: create, read, change and delete upstream EST adapters, with the
/// password going in and never coming out; changes apply to the next enrollment without a restart.
/// </summary>
public sealed class AdapterApiTests
{
    private static object Adapter(string name, EstuaryTestServer upstream, string username, string? password) => new
    {
        name,
        kind = "upstream-est",
        description = "the group CA",
        baseUrl = upstream.BaseUri.GetLeftPart(UriPartial.Authority),
        trustAnchorPem = File.ReadAllText(upstream.RootCertificatePath),
        username,
        password,
        timeoutSeconds = 10,
    };

    private static object Template(string name, string adapter) => new
    {
        name,
        labels = new[] { name },
        adapter,
        commonNamePattern = "dev-*",
        allowedKeys = new[] { "P-256" },
        subjectAttributes = new[] { "CN" },
    };

    [Fact]
    public async Task An_adapter_created_through_the_API_issues_at_once_and_its_password_never_comes_back()
    {
        await using var upstream = new ServerScope(new EstuaryTestServer());
        await using var front = new ServerScope(new EstuaryTestServer());
        var (raPassword, _) = await upstream.Server.GetRequiredService<AccountService>().CreateAsync("ra", [], "test", CancellationToken.None);
        using var api = AdminTestClient.Api(front.Server, await AdminTestClient.KeyAsync(front.Server, "write"));

        using (var created = await api.PostAsync("adapters", AdminTestClient.Json(Adapter("group-ca", upstream.Server, "ra", raPassword))))
        {
            var text = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == HttpStatusCode.Created, text);
            Assert.DoesNotContain(raPassword!, text, StringComparison.Ordinal);
            var body = JsonDocument.Parse(text).RootElement;
            Assert.True(body.GetProperty("hasPassword").GetBoolean());
            Assert.Equal("managed", body.GetProperty("source").GetString());
        }

        using (var template = await api.PostAsync("templates", AdminTestClient.Json(Template("devices", "group-ca"))))
        {
            Assert.Equal(HttpStatusCode.Created, template.StatusCode);
        }

        using var est = AdminTestClient.Est(front.Server, front.Server.EstUsername, front.Server.EstPassword);
        using var key = TestCsr.NewP256();
        using (var enrolled = await est.PostAsync("devices/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=dev-1", key))))
        {
            Assert.True(enrolled.StatusCode == HttpStatusCode.OK, await enrolled.Content.ReadAsStringAsync());
            var certificate = Assert.Single(await EstWire.ReadCertsAsync(enrolled));
            Assert.Equal(upstream.Server.GetRequiredService<Estuary.Ca.CaMaterial>().Issuing.Certificate.Subject, certificate.Issuer);
        }

        // Listing, reading and the stored row: no password, not even encrypted in what the API shows.
        using var list = await api.GetAsync("adapters");
        var listed = await list.Content.ReadAsStringAsync();
        Assert.DoesNotContain(raPassword!, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("protectedPassword\":\"", listed, StringComparison.Ordinal);
        var adapters = JsonDocument.Parse(listed).RootElement.EnumerateArray().ToList();
        Assert.Equal("builtin", adapters[0].GetProperty("name").GetString());
        Assert.Equal(["devices"], adapters.Single(a => a.GetProperty("name").GetString() == "group-ca").GetProperty("usedBy").EnumerateArray().Select(e => e.GetString()));
        var stored = Assert.Single(await front.Server.GetRequiredService<IManagementStore>().ListAdaptersAsync(CancellationToken.None));
        Assert.DoesNotContain(raPassword!, stored.Json, StringComparison.Ordinal);
        Assert.Contains("protectedPassword", stored.Json, StringComparison.Ordinal);
        var audit = await front.Server.GetRequiredService<IEstuaryStore>().ListAuditAsync(100, CancellationToken.None);
        Assert.Contains(audit, a => a.Kind == "adapter.created" && a.Actor.StartsWith("apikey:", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, a => a.Detail.Contains(raPassword!, StringComparison.Ordinal));

        // An edit without a password keeps the saved one; a wrong one applies to the very next enrollment.
        using (var kept = await api.PutAsync("adapters/group-ca", AdminTestClient.Json(Adapter("group-ca", upstream.Server, "ra", null))))
        {
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
            Assert.True((await AdminTestClient.ReadJsonAsync(kept)).GetProperty("hasPassword").GetBoolean());
        }

        using (var again = await est.PostAsync("devices/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=dev-2", key))))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        using (var wrong = await api.PutAsync("adapters/group-ca", AdminTestClient.Json(Adapter("group-ca", upstream.Server, "ra", "wrong"))))
        {
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        using (var refused = await est.PostAsync("devices/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=dev-3", key))))
        {
            Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
            Assert.Contains("upstream EST adapter 'group-ca'", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // In use: not deleted. Once no template names it: deleted, audited, gone.
        using (var inUse = await api.DeleteAsync("adapters/group-ca"))
        {
            Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
            Assert.Contains("in use by template(s) 'devices'", await inUse.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var retarget = await api.PutAsync("templates/devices", AdminTestClient.Json(Template("devices", "builtin"))))
        {
            Assert.Equal(HttpStatusCode.OK, retarget.StatusCode);
        }

        using (var deleted = await api.DeleteAsync("adapters/group-ca"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var gone = await api.GetAsync("adapters/group-ca"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        Assert.Contains(await front.Server.GetRequiredService<IEstuaryStore>().ListAuditAsync(100, CancellationToken.None), a => a.Kind == "adapter.deleted");
    }

    [Fact]
    public async Task An_adapter_that_cannot_work_is_refused_with_every_reason()
    {
        await using var server = new ServerScope(new EstuaryTestServer());
        using var api = AdminTestClient.Api(server.Server, await AdminTestClient.KeyAsync(server.Server, "write"));
        using var response = await api.PostAsync("adapters", AdminTestClient.Json(new
        {
            name = "bad name",
            baseUrl = "http://ca.example",
            trustAnchorFingerprint = "12:34",
            username = "ra",
            timeoutSeconds = 0,
            clientCertificatePath = "/nonexistent/cert.pem",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("Name must be", text, StringComparison.Ordinal);
        Assert.Contains("BaseUrl must be an https:// URL", text, StringComparison.Ordinal);
        Assert.Contains("TrustAnchorFingerprint must be 64 hexadecimal digits", text, StringComparison.Ordinal);
        Assert.Contains("Password is required with Username", text, StringComparison.Ordinal);
        Assert.Contains("ClientCertificatePath and ClientKeyPath go together", text, StringComparison.Ordinal);
        Assert.Contains("TimeoutSeconds must be between 1 and 300", text, StringComparison.Ordinal);

        using var notJson = await api.PostAsync("adapters", new StringContent("name=x"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);

        using var template = await api.PostAsync("templates", AdminTestClient.Json(Template("t", "no-such-adapter")));
        Assert.Equal(HttpStatusCode.BadRequest, template.StatusCode);
        Assert.Contains("'no-such-adapter' is not an adapter", await template.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_adapter_declared_in_configuration_is_listed_and_read_only()
    {
        await using var server = new ServerScope(EstuaryTestServer.With(new Dictionary<string, string?>
        {
            ["Estuary:Adapters:corp-ca:BaseUrl"] = "https://127.0.0.1:1",
            ["Estuary:Adapters:corp-ca:TrustAnchorFingerprint"] = new string('A', 64),
            ["Estuary:Adapters:corp-ca:Username"] = "ra",
            ["Estuary:Adapters:corp-ca:Password"] = "configured-secret",
        }));
        using var read = AdminTestClient.Api(server.Server, await AdminTestClient.KeyAsync(server.Server, "read"));
        using var one = await read.GetAsync("adapters/corp-ca");
        var text = await one.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal("configuration", JsonDocument.Parse(text).RootElement.GetProperty("source").GetString());
        Assert.DoesNotContain("configured-secret", text, StringComparison.Ordinal);

        using var readWrite = await read.DeleteAsync("adapters/corp-ca");
        Assert.Equal(HttpStatusCode.Forbidden, readWrite.StatusCode);

        using var write = AdminTestClient.Api(server.Server, await AdminTestClient.KeyAsync(server.Server, "write"));
        using var deleted = await write.DeleteAsync("adapters/corp-ca");
        Assert.Equal(HttpStatusCode.Conflict, deleted.StatusCode);
        Assert.Contains("declared in configuration", await deleted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var replaced = await write.PutAsync("adapters/corp-ca", AdminTestClient.Json(new { name = "corp-ca", baseUrl = "https://127.0.0.1:2" }));
        Assert.Equal(HttpStatusCode.Conflict, replaced.StatusCode);
    }

    [Fact]
    public async Task A_server_refuses_to_start_with_a_configured_adapter_that_cannot_work()
    {
        var server = EstuaryTestServer.With(new Dictionary<string, string?>
        {
            ["Estuary:Adapters:broken:BaseUrl"] = "http://127.0.0.1:1",
            ["Estuary:Adapters:broken:Username"] = "ra",
        });
        try
        {
            var e = await Assert.ThrowsAnyAsync<ArgumentException>(server.InitializeAsync);
            Assert.Contains("Estuary:Adapters:broken", e.Message, StringComparison.Ordinal);
            Assert.Contains("BaseUrl must be an https:// URL", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>A started test server, stopped and removed at the end of the test.</summary>
    private sealed class ServerScope : IAsyncDisposable
    {
        public ServerScope(EstuaryTestServer server)
        {
            Server = server;
            server.InitializeAsync().GetAwaiter().GetResult();
        }

        public EstuaryTestServer Server { get; }

        public async ValueTask DisposeAsync() => await Server.DisposeAsync();
    }
}
