using System.Net;
using System.Net.Http.Headers;
using Estuary.Admin;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// Two listeners over real TLS (issue 12): the EST listener serves EST, CRL, OCSP and health only; the admin
/// listener (Estuary:Admin:Listen) serves the console, the REST API, its OpenAPI document and /metrics only.
/// </summary>
public sealed class ListenerSeparationTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    public static TheoryData<string> AdminPaths => ["/admin/", "/admin/login", "/admin/site.css", "/api/v1/ca", "/api/v1/templates", "/openapi/v1.json", "/metrics", "/ADMIN/login"];

    public static TheoryData<string> EstPaths => ["/.well-known/est/cacerts", "/.well-known/est/csrattrs", "/crl/issuing.crl", "/ocsp/MAA=", "/healthz", "/readyz"];

    [Theory]
    [MemberData(nameof(AdminPaths))]
    public async Task Admin_paths_answer_404_on_the_EST_listener(string path)
    {
        // Redirects are not followed: a 302 to the console's login page would already be the admin surface answering.
        using var client = NoRedirectClient();
        using var response = await client.GetAsync(new Uri(server.BaseUri, path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not found on this listener", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AdminPaths))]
    public async Task Admin_paths_answer_404_on_the_EST_listener_over_HTTP2_too(string path)
    {
        using var client = NoRedirectClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUri, path)) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_API_key_gets_nothing_from_the_EST_listener()
    {
        var key = await ApiKeyAsync();
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using var read = await client.GetAsync(new Uri(server.BaseUri, "/api/v1/ca"));
        using var write = await client.PostAsync(new Uri(server.BaseUri, "/api/v1/accounts"), new StringContent("""{"username":"via-est-port"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, write.StatusCode);
        Assert.Null(await server.GetRequiredService<IEstuaryStore>().FindAccountAsync("via-est-port", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(EstPaths))]
    public async Task EST_CRL_OCSP_and_health_paths_answer_404_on_the_admin_listener(string path)
    {
        using var client = server.CreateAdminClient();
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not found on this listener", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrollment_with_valid_credentials_is_refused_on_the_admin_listener()
    {
        using var client = server.CreateAdminClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(server.EstUsername + ":" + server.EstPassword)));
        using var key = TestCsr.NewP256();

        using var response = await client.PostAsync("/.well-known/est/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=via-admin-port", key)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_admin_listener_serves_the_console_the_API_the_OpenAPI_document_and_metrics()
    {
        var key = await ApiKeyAsync();
        using var client = server.CreateAdminClient();

        using var login = await client.GetAsync("/admin/login");
        using var anonymousApi = await client.GetAsync("/api/v1/ca");
        using var openApi = await client.GetAsync("/openapi/v1.json");
        using var metrics = await client.GetAsync("/metrics");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var api = await client.GetAsync("/api/v1/ca");

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousApi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("estuary_pending_approvals", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task The_EST_listener_serves_EST_CRL_and_health()
    {
        using var client = server.CreateClient();

        using var cacerts = await client.GetAsync("cacerts");
        using var crl = await client.GetAsync(new Uri(server.BaseUri, "/crl/issuing.crl"));
        using var health = await client.GetAsync(new Uri(server.BaseUri, "/healthz"));

        Assert.Equal(HttpStatusCode.OK, cacerts.StatusCode);
        Assert.Equal(HttpStatusCode.OK, crl.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public void The_two_listeners_get_ports_of_their_own_and_the_start_up_output_names_both()
    {
        Assert.NotEqual(server.BaseUri.Port, server.AdminBaseUri.Port);
        Assert.Contains($"Admin listener: https://127.0.0.1:{server.AdminBaseUri.Port}", server.StartupOutput, StringComparison.Ordinal);
        Assert.Contains($"Estuary is ready: https://127.0.0.1:{server.BaseUri.Port}/.well-known/est", server.StartupOutput, StringComparison.Ordinal);
        Assert.DoesNotContain($"Admin console: https://127.0.0.1:{server.BaseUri.Port}", server.StartupOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_listen_URL_for_both_listeners_refuses_to_start()
    {
        await using var same = EstuaryTestServer.With(new Dictionary<string, string?>
        {
            ["Estuary:Listen"] = "https://127.0.0.1:18443",
            ["Estuary:Admin:Listen"] = "https://127.0.0.1:18443",
        });

        var refused = await Assert.ThrowsAnyAsync<ArgumentException>(same.InitializeAsync);

        Assert.Contains("Estuary:Admin:Listen: \"https://127.0.0.1:18443\" uses the port of Estuary:Listen", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public async Task An_admin_listen_URL_that_is_not_https_refuses_to_start()
    {
        await using var plain = EstuaryTestServer.With(new Dictionary<string, string?> { ["Estuary:Admin:Listen"] = "http://127.0.0.1:0" });

        var refused = await Assert.ThrowsAnyAsync<ArgumentException>(plain.InitializeAsync);

        Assert.Contains("Estuary:Admin:Listen: \"http://127.0.0.1:0\" is not an https://HOST:PORT URL", refused.Message, StringComparison.Ordinal);
    }

    private async Task<string> ApiKeyAsync()
    {
        var (key, _, problem) = await server.GetRequiredService<ApiKeyService>().CreateAsync("listener test " + Guid.NewGuid().ToString("N")[..8], "administrator", null, "test", CancellationToken.None);
        return key ?? throw new InvalidOperationException(problem);
    }

    private HttpClient NoRedirectClient()
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        var policy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
        {
            TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
            RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(server.RootCertificate);
        handler.SslOptions.CertificateChainPolicy = policy;
        return new HttpClient(handler);
    }
}
