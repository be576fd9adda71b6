using System.Net;
using Estuary.Ca;
using Estuary.Protocol.Asn1;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>Estuary:HttpListen: CRL and OCSP over plain HTTP for relying parties, EST still over HTTPS only.</summary>
public sealed class PlainHttpListenerTests : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?> { ["Estuary:HttpListen"] = "http://127.0.0.1:0" });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Certificates_point_at_the_http_listener_which_serves_CRL_and_OCSP_but_not_EST()
    {
        var http = _server.GetRequiredService<RevocationUrls>().PlainHttp!;
        using var basic = _server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var certificate = await EstWire.EnrollAsync(basic, "CN=http-relying-party", key);
        var keyIdentifier = _server.GetRequiredService<Estuary.Ca.CertificateAuthority>().KeyIdentifierHex;
        Assert.Contains($"{http.GetLeftPart(UriPartial.Authority)}/crl/{keyIdentifier}.crl", certificate.Extensions[Oids.CrlDistributionPoints]!.Format(false), StringComparison.Ordinal);

        using var plain = new HttpClient();
        using var crl = await plain.GetAsync(new Uri(http, $"/crl/{keyIdentifier}.crl"));
        Assert.Equal(HttpStatusCode.OK, crl.StatusCode);
        using var est = await plain.GetAsync(new Uri(http, "/.well-known/est/cacerts"));
        Assert.Equal(HttpStatusCode.NotFound, est.StatusCode);
        Assert.Contains("HTTPS only", await est.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var files = new PkiFiles();
        var ee = files.Certificates("ee.pem", certificate);
        var issuing = files.Certificates("issuing.pem", _server.GetRequiredService<CertificateAuthority>().Certificate);
        var root = files.Certificates("root.pem", _server.RootCertificate);
        var (code, output) = await Processes.RunAsync("openssl", $"ocsp -issuer {issuing} -cert {ee} -url {http.GetLeftPart(UriPartial.Authority)}/ocsp -CAfile {root}");
        Assert.True(code == 0, output);
        Assert.Contains($"{ee}: good", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/admin/login")]
    [InlineData("/api/v1/ca")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/metrics")]
    [InlineData("/healthz")]
    public async Task The_http_listener_serves_neither_the_console_nor_the_API_nor_metrics_nor_health(string path)
    {
        var http = _server.GetRequiredService<RevocationUrls>().PlainHttp!;
        using var plain = new HttpClient();

        using var response = await plain.GetAsync(new Uri(http, path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
