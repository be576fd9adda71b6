using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// A server with a default label (every key type, P-256 by default), an RSA-only label, a P-384-only label and a
/// label without serverkeygen.
/// </summary>
public sealed class ServerKeyGenServer : IAsyncLifetime
{
    public EstuaryTestServer Server { get; } = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:rsa:AllowedKeys:0"] = "RSA",
        ["Estuary:Labels:rsa:ServerKeyAlgorithm"] = "RSA-2048",
        ["Estuary:Labels:p384:AllowedKeys:0"] = "P-384",
        ["Estuary:Labels:p384:ServerKeyAlgorithm"] = "P-384",
        ["Estuary:Labels:nokeygen:ServerKeyGen"] = "false",
    });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>/serverkeygen (RFC 7030 §4.4) against a real server over real TLS.</summary>
public sealed class ServerKeyGenTests(ServerKeyGenServer fixture) : IClassFixture<ServerKeyGenServer>
{
    private EstuaryTestServer Server => fixture.Server;

    [Fact]
    public async Task Serverkeygen_returns_a_PKCS8_key_and_its_certificate_as_multipart_ending_at_the_close_delimiter()
    {
        using var client = Server.CreateClient(basicAuth: true);
        using var csrKey = TestCsr.NewP256();
        using var response = await client.PostAsync("serverkeygen", EstWire.Pkcs10(TestCsr.Create("CN=skg-1, O=Acme", csrKey, "dns:skg-1.example")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contentType = response.Content.Headers.ContentType!;
        Assert.Equal("multipart/mixed", contentType.MediaType);
        var boundary = contentType.Parameters.Single(p => p.Name == "boundary").Value!;
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var text = Encoding.ASCII.GetString(body);
        Assert.EndsWith($"\r\n--{boundary}--\r\n", text, StringComparison.Ordinal);

        var parts = ReadParts(text, boundary);
        Assert.Equal(2, parts.Count);
        Assert.Equal("application/pkcs8", parts[0].ContentType);
        Assert.StartsWith("application/pkcs7-mime", parts[1].ContentType, StringComparison.Ordinal);
        Assert.Contains("smime-type=certs-only", parts[1].ContentType, StringComparison.Ordinal);

        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(EstBase64.Decode(Encoding.ASCII.GetBytes(parts[0].Body)), out _);
        var certificate = X509CertificateLoader.LoadCertificate(CertsOnly.Decode(EstBase64.Decode(Encoding.ASCII.GetBytes(parts[1].Body))).Single());
        Assert.Equal("CN=skg-1, O=Acme", certificate.Subject);
        Assert.Contains("skg-1.example", certificate.Extensions[Oids.SubjectAltName]!.Format(false));
        // The certificate carries the server's key, not the CSR's (RFC 7030 §4.4.1).
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.NotEqual(csrKey.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(256, key.KeySize);

        var record = await Server.GetRequiredService<IEstuaryStore>().FindCertificateAsync(certificate.SerialNumber, default);
        Assert.Equal("serverkeygen", record!.Operation);
    }

    [Fact]
    public async Task The_server_keeps_no_copy_of_the_generated_private_key()
    {
        using var client = Server.CreateClient(basicAuth: true);
        using var csrKey = TestCsr.NewP256();
        using var response = await client.PostAsync("serverkeygen", EstWire.Pkcs10(TestCsr.Create("CN=skg-secret", csrKey)));
        var text = await response.Content.ReadAsStringAsync();
        var boundary = response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!;
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(EstBase64.Decode(Encoding.ASCII.GetBytes(ReadParts(text, boundary)[0].Body)), out _);
        var privateScalar = key.ExportParameters(true).D!;

        foreach (var file in Directory.EnumerateFiles(Server.DataDir, "*", SearchOption.AllDirectories))
        {
            var bytes = await ReadSharedAsync(file);
            Assert.True(bytes.AsSpan().IndexOf(privateScalar) < 0, $"{file} holds the generated private key");
        }
    }

    [Fact]
    public async Task An_RSA_CSR_gets_an_RSA_key_of_the_same_size_large_enough_for_libest()
    {
        using var csrKey = RSA.Create(3072);

        var (key, certificate, keyPart) = await ServerKeyGenAsync("serverkeygen", TestCsr.Create("CN=skg-rsa-3072", csrKey));

        var rsa = Assert.IsAssignableFrom<RSA>(key);
        Assert.Equal(3072, rsa.KeySize);
        Assert.NotEqual(csrKey.ExportSubjectPublicKeyInfo(), rsa.ExportSubjectPublicKeyInfo());
        Assert.Equal(rsa.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.True(keyPart.Length >= 256, "libest 3.2.0 rejects key parts under 256 base64 characters");
        await AssertAuditNamesAsync(certificate, "server-generated RSA-3072 key (the CSR's key type)");
    }

    [Fact]
    public async Task A_P384_CSR_gets_a_P384_key()
    {
        using var csrKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var (key, certificate, _) = await ServerKeyGenAsync("serverkeygen", TestCsr.Create("CN=skg-p384", csrKey));

        var ec = Assert.IsAssignableFrom<ECDsa>(key);
        Assert.Equal(384, ec.KeySize);
        Assert.Equal(ec.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        await AssertAuditNamesAsync(certificate, "server-generated P-384 key (the CSR's key type)");
    }

    [Fact]
    public async Task A_CSR_key_type_the_label_does_not_accept_gets_the_label_default_rather_than_a_refusal()
    {
        using var csrKey = RSA.Create(2048);

        var (key, certificate, _) = await ServerKeyGenAsync("p384/serverkeygen", TestCsr.Create("CN=skg-default", csrKey));

        var ec = Assert.IsAssignableFrom<ECDsa>(key);
        Assert.Equal(384, ec.KeySize);
        Assert.Equal(ec.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        await AssertAuditNamesAsync(certificate, "server-generated P-384 key (the label's default; the CSR asked for RSA-2048)");
    }

    [Fact]
    public async Task An_RSA_only_label_answers_an_EC_CSR_with_its_RSA_default()
    {
        using var csrKey = TestCsr.NewP256();

        var (key, certificate, keyPart) = await ServerKeyGenAsync("rsa/serverkeygen", TestCsr.Create("CN=skg-rsa", csrKey));

        var rsa = Assert.IsAssignableFrom<RSA>(key);
        Assert.Equal(2048, rsa.KeySize);
        Assert.Equal(rsa.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.True(keyPart.Length >= 256, "libest 3.2.0 rejects key parts under 256 base64 characters");
    }

    /// <summary>Posts the CSR, and returns the generated key (PKCS#8), the certificate and the key part's base64.</summary>
    private async Task<(AsymmetricAlgorithm Key, X509Certificate2 Certificate, string KeyPart)> ServerKeyGenAsync(string path, byte[] csr)
    {
        using var client = Server.CreateClient(basicAuth: true);
        using var response = await client.PostAsync(path, EstWire.Pkcs10(csr));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var boundary = response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!;
        var parts = ReadParts(await response.Content.ReadAsStringAsync(), boundary);
        var pkcs8 = EstBase64.Decode(Encoding.ASCII.GetBytes(parts[0].Body));
        var certificate = X509CertificateLoader.LoadCertificate(CertsOnly.Decode(EstBase64.Decode(Encoding.ASCII.GetBytes(parts[1].Body))).Single());
        AsymmetricAlgorithm key = certificate.GetKeyAlgorithm() == Oids.RsaEncryption ? RSA.Create() : ECDsa.Create();
        switch (key)
        {
            case RSA rsa: rsa.ImportPkcs8PrivateKey(pkcs8, out _); break;
            case ECDsa ec: ec.ImportPkcs8PrivateKey(pkcs8, out _); break;
        }

        return (key, certificate, parts[0].Body);
    }

    /// <summary>The certificate.issued audit event of this serial says which key was generated and why.</summary>
    private async Task AssertAuditNamesAsync(X509Certificate2 certificate, string expected)
    {
        var audit = await Server.GetRequiredService<IEstuaryStore>().ListAuditAsync(1000, default);
        var issued = Assert.Single(audit, e => e.Kind == "certificate.issued" && e.Detail.Contains($"serial {certificate.SerialNumber} ", StringComparison.Ordinal));
        Assert.Contains(expected, issued.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_label_without_serverkeygen_answers_403()
    {
        using var client = Server.CreateClient(basicAuth: true);
        using var csrKey = TestCsr.NewP256();
        using var response = await client.PostAsync("nokeygen/serverkeygen", EstWire.Pkcs10(TestCsr.Create("CN=skg-no", csrKey)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("server-side key generation", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serverkeygen_needs_authentication_like_simpleenroll()
    {
        using var client = Server.CreateClient();
        using var csrKey = TestCsr.NewP256();
        using var response = await client.PostAsync("serverkeygen", EstWire.Pkcs10(TestCsr.Create("CN=skg-anon", csrKey)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_CSR_asking_for_an_encrypted_key_to_an_unknown_key_is_refused_rather_than_answered_in_the_clear()
    {
        using var client = Server.CreateClient(basicAuth: true);
        using var csrKey = TestCsr.NewP256();
        var request = new CertificateRequest("CN=skg-enc", csrKey, HashAlgorithmName.SHA256);
        var keyId = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        keyId.WriteOctetString([1, 2, 3, 4]);
        request.OtherRequestAttributes.Add(new AsnEncodedData(Oids.AsymmetricDecryptKeyIdentifier, keyId.Encode()));
        using var response = await client.PostAsync("serverkeygen", EstWire.Pkcs10(request.CreateSigningRequest()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("AsymmetricDecryptKeyIdentifier 01020304", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_CSR_with_a_bad_signature_is_refused_even_though_its_key_is_ignored()
    {
        using var client = Server.CreateClient(basicAuth: true);
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Shared, "vectors", "negative", "csr-badsig.b64")));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pkcs10");
        using var response = await client.PostAsync("serverkeygen", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>A small RFC 2046 multipart reader: the parts between "--boundary" lines, headers then body.</summary>
    private static List<(string ContentType, string Body)> ReadParts(string text, string boundary)
    {
        var parts = new List<(string, string)>();
        var sections = text.Split("--" + boundary);
        foreach (var section in sections.Skip(1))
        {
            if (section.StartsWith("--", StringComparison.Ordinal))
            {
                break;
            }

            var headerEnd = section.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var headers = section[..headerEnd];
            var body = section[(headerEnd + 4)..];
            Assert.EndsWith("\r\n", body, StringComparison.Ordinal);
            var contentType = headers.Split("\r\n").Single(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))["Content-Type:".Length..].Trim();
            parts.Add((contentType, body[..^2]));
        }

        return parts;
    }
}
