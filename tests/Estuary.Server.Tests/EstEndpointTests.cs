using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>The four core operations against a real server over real TLS on loopback.</summary>
public sealed class EstEndpointTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    private static string VectorsDir => Path.Combine(RepositoryPaths.Shared, "vectors");

    [Fact]
    public async Task Cacerts_returns_the_issuing_CA_and_the_root_as_base64_certs_only()
    {
        using var client = server.CreateClient();
        using var response = await client.GetAsync("cacerts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pkcs7-mime", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(response.Content.Headers.ContentType.Parameters, p => p.Name == "smime-type" && p.Value == "certs-only");
        Assert.Equal("base64", response.Headers.GetValues("Content-Transfer-Encoding").Single());
        Assert.NotNull(response.Content.Headers.ContentLength);
        var certs = await EstWire.ReadCertsAsync(response);
        Assert.Equal(2, certs.Count);
        Assert.Equal(server.RootCertificate.Thumbprint, certs[1].Thumbprint);
        Assert.Equal(server.RootCertificate.Subject, certs[0].Issuer);
    }

    [Fact]
    public async Task Csrattrs_asks_for_a_P256_key_signed_with_ecdsa_with_SHA256()
    {
        using var client = server.CreateClient();
        using var response = await client.GetAsync("csrattrs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/csrattrs", response.Content.Headers.ContentType!.MediaType);
        var attributes = CsrAttributes.Decode(EstBase64.Decode(await response.Content.ReadAsByteArrayAsync()));
        var key = Assert.Single(attributes.Items, i => i.Oid == Oids.EcPublicKey);
        Assert.Equal(Oids.Secp256r1, new System.Formats.Asn1.AsnReader(key.Values![0], System.Formats.Asn1.AsnEncodingRules.DER).ReadObjectIdentifier());
        Assert.Contains(attributes.Items, i => i.Oid == Oids.EcdsaWithSha256 && i.Values is null);
    }

    [Fact]
    public async Task Simpleenroll_with_Basic_issues_a_client_certificate_recorded_in_storage()
    {
        using var client = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var response = await client.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=device-1, O=Acme", key, "dns:device-1.example")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var certificate = Assert.Single(await EstWire.ReadCertsAsync(response));
        Assert.Equal("CN=device-1, O=Acme", certificate.Subject);
        Assert.Equal(server.GetRequiredService<Estuary.Ca.CertificateAuthority>().Certificate.Subject, certificate.Issuer);
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Contains(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>(), o => o.Value == Oids.ClientAuth);
        Assert.Contains("device-1.example", certificate.Extensions[Oids.SubjectAltName]!.Format(false));

        var record = await server.GetRequiredService<IEstuaryStore>().FindCertificateAsync(certificate.SerialNumber, default);
        Assert.NotNull(record);
        Assert.Equal("basic:" + server.EstUsername, record.RequestedBy);
        Assert.Equal(certificate.RawData, record.Der);
        Assert.Equal("DNS:device-1.example", record.SubjectAltNames);
    }

    [Fact]
    public async Task An_unauthenticated_enrollment_gets_a_Basic_challenge_with_an_empty_body()
    {
        using var client = server.CreateClient();
        using var key = TestCsr.NewP256();
        using var response = await client.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=anon", key)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Basic realm=\"estuary\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task A_wrong_password_gets_401_with_a_reason()
    {
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(server.EstUsername + ":wrong")));
        using var key = TestCsr.NewP256();
        using var response = await client.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=x", key)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("wrong user name or password", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public static TheoryData<string, HttpStatusCode, string> BadBodies => new()
    {
        { "csr-not-base64.txt", HttpStatusCode.BadRequest, "not valid base64" },
        { "csr-badsig.b64", HttpStatusCode.BadRequest, "signature does not verify" },
        { "csr-truncated.b64", HttpStatusCode.BadRequest, "not valid DER" },
        { "csr-trailing-bytes.b64", HttpStatusCode.BadRequest, "trailing data" },
        { "csr-good.der", HttpStatusCode.BadRequest, "base64" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_CSR_bodies_get_400_with_a_reason(string vector, HttpStatusCode status, string reason)
    {
        using var client = server.CreateClient(basicAuth: true);
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(VectorsDir, "negative", vector)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
        using var response = await client.PostAsync("simpleenroll", content);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("csr-good.b64")]
    [InlineData("csr-crlf.b64")]
    [InlineData("csr-mime76-crlf.b64")]
    [InlineData("csr-trailing-whitespace.b64")]
    [InlineData("csr-pem-armour.txt")]
    [InlineData("csr-pem-armour-new.txt")]
    public async Task Tolerated_CSR_layouts_are_enrolled(string vector)
    {
        using var client = server.CreateClient(basicAuth: true);
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(VectorsDir, "negative", vector)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
        using var response = await client.PostAsync("simpleenroll", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("CN=vectors-negative", Assert.Single(await EstWire.ReadCertsAsync(response)).Subject);
    }

    [Fact]
    public async Task A_wrong_content_type_gets_415()
    {
        using var client = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        var content = new StringContent(TestCsr.Wrapped(TestCsr.Create("CN=x", key)), Encoding.ASCII, "text/plain");
        using var response = await client.PostAsync("simpleenroll", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/pkcs10", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_64_KiB_gets_413()
    {
        using var client = server.CreateClient(basicAuth: true);
        // As curl does for large bodies: the server answers before the body is sent.
        client.DefaultRequestHeaders.ExpectContinue = true;
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(new string('A', 70_000)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
        using var response = await client.PostAsync("simpleenroll", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "nosuchlabel/cacerts", HttpStatusCode.NotFound)]
    [InlineData("GET", "nosuchop", HttpStatusCode.NotFound)]
    [InlineData("GET", "simpleenroll", HttpStatusCode.MethodNotAllowed)]
    [InlineData("POST", "cacerts", HttpStatusCode.MethodNotAllowed)]
    public async Task Unknown_labels_operations_and_methods_get_404_or_405(string method, string path, HttpStatusCode status)
    {
        using var client = server.CreateClient(basicAuth: true);
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_disallowed_key_type_gets_400_naming_the_allowed_ones()
    {
        using var client = server.CreateClient(basicAuth: true);
        using var rsa = RSA.Create(1024);
        using var response = await client.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=weak", rsa)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at least 2048", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simplereenroll_with_the_current_certificate_renews_and_rekeys()
    {
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var current = await EstWire.EnrollAsync(basic, "CN=renew-me", key);
        using var mtls = server.CreateClient(current);

        // Renew: same key.
        using var renew = await mtls.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=renew-me", key)));
        Assert.Equal(HttpStatusCode.OK, renew.StatusCode);
        var renewed = Assert.Single(await EstWire.ReadCertsAsync(renew));
        Assert.Equal(current.GetPublicKey(), renewed.GetPublicKey());

        // Rekey: new key.
        using var newKey = TestCsr.NewP256();
        using var rekey = await mtls.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=renew-me", newKey)));
        Assert.Equal(HttpStatusCode.OK, rekey.StatusCode);
        var rekeyed = Assert.Single(await EstWire.ReadCertsAsync(rekey));
        Assert.NotEqual(current.GetPublicKey(), rekeyed.GetPublicKey());

        var record = await server.GetRequiredService<IEstuaryStore>().FindCertificateAsync(rekeyed.SerialNumber, default);
        Assert.Equal(current.SerialNumber, record!.Replaces);
        Assert.Equal("simplereenroll", record.Operation);
    }

    [Fact]
    public async Task Simplereenroll_refuses_a_changed_subject()
    {
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var current = await EstWire.EnrollAsync(basic, "CN=stay-the-same", key);
        using var mtls = server.CreateClient(current);

        using var response = await mtls.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=someone-else", key)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("subject", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simplereenroll_refuses_a_changed_subjectAltName()
    {
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var enrolled = await basic.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=san-kept", key, "dns:a.example")));
        var certificate = Assert.Single(await EstWire.ReadCertsAsync(enrolled));
        using var withKey = certificate.CopyWithPrivateKey(key);
        using var current = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        using var mtls = server.CreateClient(current);

        using var response = await mtls.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=san-kept", key, "dns:b.example")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("subjectAltName", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simplereenroll_without_a_client_certificate_is_forbidden()
    {
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var response = await basic.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=nobody", key)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("TLS client", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simpleenroll_accepts_a_client_certificate_this_CA_issued_instead_of_Basic()
    {
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var current = await EstWire.EnrollAsync(basic, "CN=mtls-enroller", key);
        using var mtls = server.CreateClient(current);
        using var other = TestCsr.NewP256();

        using var response = await mtls.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=second-identity", other)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issued = Assert.Single(await EstWire.ReadCertsAsync(response));
        var record = await server.GetRequiredService<IEstuaryStore>().FindCertificateAsync(issued.SerialNumber, default);
        Assert.Equal("cert:" + current.SerialNumber, record!.RequestedBy);
    }

    [Fact]
    public async Task A_client_certificate_from_another_CA_is_not_accepted()
    {
        using var strangerKey = TestCsr.NewP256();
        var request = new CertificateRequest("CN=stranger", strangerKey, HashAlgorithmName.SHA256);
        using var stranger = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var exported = X509CertificateLoader.LoadPkcs12(stranger.Export(X509ContentType.Pkcs12), null);
        using var client = server.CreateClient(exported);
        using var key = TestCsr.NewP256();

        using var response = await client.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=stranger", key)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("not issued by this CA", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_one_line_request_body_gets_a_one_line_response_and_libest_gets_wrapped_lines()
    {
        using var client = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        var der = TestCsr.Create("CN=layout", key);

        using var oneLine = await client.PostAsync("simpleenroll", EstWire.Pkcs10(der, Convert.ToBase64String(der)));
        var oneLineBody = await oneLine.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, oneLine.StatusCode);
        Assert.Equal(1, oneLineBody.Count(c => c == '\n'));
        Assert.EndsWith("\n", oneLineBody, StringComparison.Ordinal);

        using var libest = new HttpRequestMessage(HttpMethod.Get, "cacerts");
        libest.Headers.TryAddWithoutValidation("User-Agent", "libest 3.2.0p");
        using var wrapped = await client.SendAsync(libest);
        var lines = (await wrapped.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.True(lines.Length > 1);
        Assert.All(lines, l => Assert.True(l.Length <= 64));
    }

    [Fact]
    public async Task Every_issued_certificate_verifies_with_openssl_against_the_cacerts_chain()
    {
        using var client = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var enrolled = await client.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=openssl-check", key, "ip:192.0.2.7")));
        var issued = Assert.Single(await EstWire.ReadCertsAsync(enrolled));
        using var cacerts = await client.GetAsync("cacerts");
        var chain = await EstWire.ReadCertsAsync(cacerts);

        var dir = Directory.CreateTempSubdirectory("estuary-verify").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "root.pem"), chain[1].ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(dir, "issuing.pem"), chain[0].ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(dir, "ee.pem"), issued.ExportCertificatePem());
        var (code, output) = await Processes.RunAsync("openssl", $"verify -x509_strict -CAfile {dir}/root.pem -untrusted {dir}/issuing.pem {dir}/ee.pem");

        Assert.True(code == 0, output);
        Assert.Contains("ee.pem: OK", output, StringComparison.Ordinal);
    }
}
