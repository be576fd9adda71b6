using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Testing;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// A TLS client certificate authenticates on the REST API only when an administrator registered it by SHA-256
/// fingerprint (Estuary:Admin:ClientCertificateFingerprints), and only within its validity period: never because
/// of its subject, which any EST client can request from this CA.
/// </summary>
public sealed class ApiClientCertificateTests(ApiClientCertificateTests.Fixture fixture) : IClassFixture<ApiClientCertificateTests.Fixture>
{
    private const string AdminSubject = "CN=ops-admin, O=Estuary";

    private EstuaryTestServer Server => fixture.Server;

    [Fact]
    public async Task A_registered_certificate_may_read_and_write()
    {
        using var client = Api(fixture.Registered);

        using var read = await client.GetAsync("ca");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var write = await client.PostAsync("accounts", AdminTestClient.Json(new { username = "by-cert" }));
        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        var audit = await client.GetStringAsync("audit?kind=account.");
        Assert.Contains("cert:sha256:" + Convert.ToHexString(SHA256.HashData(fixture.Registered.RawData)), audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_enrolled_over_EST_with_the_administrators_subject_gets_401_on_an_API_write()
    {
        // The attack: the bootstrap EST account asks this CA for the administrator's subject.
        using var est = Server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var enrolled = await EstWire.EnrollAsync(est, AdminSubject, key);
        Assert.Equal(fixture.Registered.Subject, enrolled.Subject);
        using var client = Api(enrolled);

        using var write = await client.PostAsync("accounts", AdminTestClient.Json(new { username = "by-attacker" }));

        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
        Assert.Contains("not a registered administrator certificate", await write.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_with_the_registered_subject_but_another_key_gets_401()
    {
        using var other = SelfSigned(AdminSubject, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var client = Api(other);

        using var read = await client.GetAsync("ca");

        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.Contains(Convert.ToHexString(SHA256.HashData(other.RawData)), await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registered_certificate_outside_its_validity_period_gets_401()
    {
        using var client = Api(fixture.Expired);

        using var read = await client.GetAsync("ca");

        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.Contains("outside its validity period", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_with_ClientCertificateSubjects_fails_and_names_its_replacement()
    {
        var server = EstuaryTestServer.With(new Dictionary<string, string?> { ["Estuary:Admin:ClientCertificateSubjects:0"] = AdminSubject });
        try
        {
            var refused = await Assert.ThrowsAnyAsync<ArgumentException>(server.InitializeAsync);
            Assert.Contains("ClientCertificateSubjects was removed", refused.Message, StringComparison.Ordinal);
            Assert.Contains("ClientCertificateFingerprints", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_malformed_fingerprint_refuses_to_start()
    {
        var server = EstuaryTestServer.With(new Dictionary<string, string?> { ["Estuary:Admin:ClientCertificateFingerprints:0"] = "AB:CD" });
        try
        {
            var refused = await Assert.ThrowsAnyAsync<ArgumentException>(server.InitializeAsync);
            Assert.Contains("64 hexadecimal digits", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static X509Certificate2 SelfSigned(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        // Through PKCS#12 so that SslStream can use the key as a client credential on Linux.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A client that presents exactly this certificate, whatever the server's acceptable-issuer list says.</summary>
    private HttpClient Api(X509Certificate2 certificate)
    {
        var handler = new SocketsHttpHandler();
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(Server.RootCertificate);
        handler.SslOptions.CertificateChainPolicy = policy;
        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        return new HttpClient(handler) { BaseAddress = new Uri(Server.AdminUrl("/api/v1/")) };
    }

    /// <summary>One server with two registered certificates (one valid, one expired), written with colons and in lower case.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public Fixture()
        {
            Registered = SelfSigned(AdminSubject, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
            Expired = SelfSigned(AdminSubject, DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
            Server = EstuaryTestServer.With(new Dictionary<string, string?>
            {
                ["Estuary:Admin:ClientCertificateFingerprints:0"] = Colons(Registered),
                ["Estuary:Admin:ClientCertificateFingerprints:1"] = Convert.ToHexString(SHA256.HashData(Expired.RawData)),
            });
        }

        public X509Certificate2 Registered { get; }

        public X509Certificate2 Expired { get; }

        public EstuaryTestServer Server { get; }

        public Task InitializeAsync() => Server.InitializeAsync();

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            Registered.Dispose();
            Expired.Dispose();
        }

        private static string Colons(X509Certificate2 certificate) =>
            string.Join(':', SHA256.HashData(certificate.RawData).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
    }
}
