using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// A server whose default label issues certificates that may receive keys (keyEncipherment, keyAgreement), a label
/// that archives generated keys to an RSA archive certificate, and a label that signs only.
/// </summary>
public sealed class EncryptedKeyGenServer : IAsyncLifetime
{
    public EncryptedKeyGenServer()
    {
        Directory.CreateDirectory(ArchiveDir);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Key Archive", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var archive = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllText(ArchiveCertificatePath, archive.ExportCertificatePem());
        File.WriteAllText(ArchiveKeyPath, rsa.ExportPkcs8PrivateKeyPem());
        Server = EstuaryTestServer.With(new Dictionary<string, string?>
        {
            ["Estuary:Labels:default:KeyUsage:0"] = "DigitalSignature",
            ["Estuary:Labels:default:KeyUsage:1"] = "KeyEncipherment",
            ["Estuary:Labels:default:KeyUsage:2"] = "KeyAgreement",
            ["Estuary:Labels:archive:ArchiveKeys"] = "true",
            ["Estuary:Labels:archive:ArchiveCertificate"] = ArchiveCertificatePath,
            ["Estuary:Labels:signonly:KeyUsage:0"] = "DigitalSignature",
        });
    }

    public EstuaryTestServer Server { get; }

    public string ArchiveDir { get; } = Path.Combine(Path.GetTempPath(), "estuary-archive-" + Guid.NewGuid().ToString("N")[..12]);

    public string ArchiveCertificatePath => Path.Combine(ArchiveDir, "archive.pem");

    public string ArchiveKeyPath => Path.Combine(ArchiveDir, "archive.key");

    public Task InitializeAsync() => Server.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(ArchiveDir, recursive: true);
    }
}

/// <summary>/serverkeygen with additional encryption (RFC 7030 §4.4.1.1, §4.4.1.2, §4.4.2), over real TLS, opened with openssl.</summary>
public sealed class ServerKeyGenEncryptedTests(EncryptedKeyGenServer fixture) : IClassFixture<EncryptedKeyGenServer>
{
    private EstuaryTestServer Server => fixture.Server;

    [Fact]
    public async Task A_key_asked_for_the_RSA_TLS_client_certificate_comes_back_as_EnvelopedData_openssl_decrypts()
    {
        using var rsa = RSA.Create(2048);
        using var recipient = await EnrollAsync("CN=enc-rsa-device", rsa);
        using var client = Server.CreateClient(clientCertificate: recipient);

        var (certificate, enveloped) = await ServerKeyGenEncryptedAsync(client, "serverkeygen", Oids.AsymmetricDecryptKeyIdentifier, Ski(recipient), "CN=enc-rsa-generated");

        using var files = new PkiFiles();
        var signed = await OpensslDecryptAsync(files, enveloped, recipient, rsa);
        await AssertSignedKeyPackageMatchesAsync(files, signed, certificate);
        Assert.Contains("rsaesOaep", await OpensslPrintAsync(files, enveloped), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_key_asked_for_an_EC_certificate_of_the_same_account_uses_ephemeral_static_ECDH()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var recipient = await EnrollAsync("CN=enc-ec-device", ec);
        using var client = Server.CreateClient(basicAuth: true); // not the TLS certificate: the account's record is found

        var (certificate, enveloped) = await ServerKeyGenEncryptedAsync(client, "serverkeygen", Oids.AsymmetricDecryptKeyIdentifier, Ski(recipient), "CN=enc-ec-generated");

        using var files = new PkiFiles();
        var signed = await OpensslDecryptAsync(files, enveloped, recipient, ec);
        await AssertSignedKeyPackageMatchesAsync(files, signed, certificate);
        Assert.Contains("dhSinglePass-stdDH-sha256kdf-scheme", await OpensslPrintAsync(files, enveloped), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_asked_for_a_provisioned_symmetric_key_comes_back_in_kekri_openssl_opens_with_the_secret_key()
    {
        var kek = RandomNumberGenerator.GetBytes(32);
        byte[] keyId = [.. "device-kek-1"u8];
        Assert.True(await Server.GetRequiredService<ServerKeyProtection>().SetAccountKeyAsync(Server.EstUsername, keyId, kek, "test", default));
        using var client = Server.CreateClient(basicAuth: true);

        var (certificate, enveloped) = await ServerKeyGenEncryptedAsync(client, "serverkeygen", Oids.DecryptKeyIdentifier, keyId, "CN=enc-kek-generated");

        using var files = new PkiFiles();
        await File.WriteAllBytesAsync(files.File_("key.p7m"), enveloped);
        var (code, output) = await Processes.RunAsync("openssl", $"cms -decrypt -inform DER -in key.p7m -outform DER -out signed.der -secretkey {Convert.ToHexString(kek)} -secretkeyid {Convert.ToHexString(keyId)}", workingDirectory: files.Directory);
        Assert.True(code == 0, output);
        await AssertSignedKeyPackageMatchesAsync(files, await File.ReadAllBytesAsync(files.File_("signed.der")), certificate);
        var printed = await OpensslPrintAsync(files, enveloped);
        Assert.Contains("d.kekri", printed, StringComparison.Ordinal);
        Assert.Matches(@"d\.kekri:\s*\n\s*version: 4", printed);
    }

    [Fact]
    public async Task The_stored_symmetric_key_is_encrypted_in_the_database()
    {
        var kek = RandomNumberGenerator.GetBytes(16);
        byte[] keyId = [0xAB, 0xCD];
        Assert.True(await Server.GetRequiredService<ServerKeyProtection>().SetAccountKeyAsync(Server.EstUsername, keyId, kek, "test", default));

        var stored = await Server.GetRequiredService<IEstuaryStore>().FindAccountDecryptKeyAsync(Server.EstUsername, keyId, default);
        Assert.NotNull(stored);
        Assert.True(stored.ProtectedKey.AsSpan().IndexOf(kek) < 0);
        Assert.False(await Server.GetRequiredService<ServerKeyProtection>().SetAccountKeyAsync("nobody", keyId, kek, "test", default));
    }

    [Theory]
    [InlineData(Oids.AsymmetricDecryptKeyIdentifier, "AsymmetricDecryptKeyIdentifier 0A0B0C")]
    [InlineData(Oids.DecryptKeyIdentifier, "DecryptKeyIdentifier 0A0B0C")]
    public async Task An_unknown_key_identifier_gets_400_with_the_reason_and_no_certificate(string attribute, string reason)
    {
        using var client = Server.CreateClient(basicAuth: true);
        var before = await Server.GetRequiredService<IEstuaryStore>().CountCertificatesAsync(default);
        using var response = await client.PostAsync("serverkeygen", EstWire.Pkcs10(CsrWith("CN=enc-unknown", attribute, [0x0A, 0x0B, 0x0C])));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await Server.GetRequiredService<IEstuaryStore>().CountCertificatesAsync(default));
    }

    [Fact]
    public async Task A_certificate_whose_key_usage_forbids_key_transport_is_not_used()
    {
        using var rsa = RSA.Create(2048);
        using var basic = Server.CreateClient(basicAuth: true);
        using var signOnly = await EnrollAsync("CN=enc-signonly", rsa, "signonly/simpleenroll");
        using var client = Server.CreateClient(clientCertificate: signOnly);

        using var response = await client.PostAsync("serverkeygen", EstWire.Pkcs10(CsrWith("CN=enc-signonly-generated", Oids.AsymmetricDecryptKeyIdentifier, Ski(signOnly))));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("keyEncipherment", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_archiving_label_keeps_the_key_only_encrypted_to_the_archive_certificate()
    {
        using var client = Server.CreateClient(basicAuth: true);
        using var csrKey = TestCsr.NewP256();
        using var response = await client.PostAsync("archive/serverkeygen", EstWire.Pkcs10(TestCsr.Create("CN=archived-1", csrKey)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parts = ReadParts(await response.Content.ReadAsStringAsync(), Boundary(response));
        var pkcs8 = EstBase64.Decode(Encoding.ASCII.GetBytes(parts[0].Body));
        var certificate = X509CertificateLoader.LoadCertificate(CertsOnly.Decode(EstBase64.Decode(Encoding.ASCII.GetBytes(parts[1].Body))).Single());

        var archived = await Server.GetRequiredService<IEstuaryStore>().FindArchivedKeyAsync(certificate.SerialNumber, default);
        Assert.NotNull(archived);
        Assert.True(archived.EnvelopedKey.AsSpan().IndexOf(pkcs8) < 0);
        using var files = new PkiFiles();
        await File.WriteAllBytesAsync(files.File_("archived.p7m"), archived.EnvelopedKey);
        var (code, output) = await Processes.RunAsync("openssl", $"cms -decrypt -inform DER -in archived.p7m -outform DER -out recovered.der -recip {fixture.ArchiveCertificatePath} -inkey {fixture.ArchiveKeyPath}", workingDirectory: files.Directory);
        Assert.True(code == 0, output);
        Assert.Equal(pkcs8, await File.ReadAllBytesAsync(files.File_("recovered.der")));
    }

    [Fact]
    public async Task A_label_without_archive_stores_no_key_at_all()
    {
        using var client = Server.CreateClient(basicAuth: true);
        using var csrKey = TestCsr.NewP256();
        using var response = await client.PostAsync("serverkeygen", EstWire.Pkcs10(TestCsr.Create("CN=not-archived", csrKey)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parts = ReadParts(await response.Content.ReadAsStringAsync(), Boundary(response));
        var certificate = X509CertificateLoader.LoadCertificate(CertsOnly.Decode(EstBase64.Decode(Encoding.ASCII.GetBytes(parts[1].Body))).Single());

        Assert.Null(await Server.GetRequiredService<IEstuaryStore>().FindArchivedKeyAsync(certificate.SerialNumber, default));
    }

    private async Task<X509Certificate2> EnrollAsync(string subject, AsymmetricAlgorithm key, string path = "simpleenroll")
    {
        using var basic = Server.CreateClient(basicAuth: true);
        using var response = await basic.PostAsync(path, EstWire.Pkcs10(TestCsr.Create(subject, key)));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var certificate = (await EstWire.ReadCertsAsync(response)).Single();
        using var withKey = key switch
        {
            RSA rsa => certificate.CopyWithPrivateKey(rsa),
            ECDsa ec => certificate.CopyWithPrivateKey(ec),
            _ => throw new ArgumentException("key"),
        };
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    /// <summary>Posts a CSR carrying the decrypt key attribute; checks the multipart layout; returns the issued certificate and the EnvelopedData.</summary>
    private static async Task<(X509Certificate2 Certificate, byte[] Enveloped)> ServerKeyGenEncryptedAsync(HttpClient client, string path, string attribute, byte[] identifier, string subject)
    {
        using var response = await client.PostAsync(path, EstWire.Pkcs10(CsrWith(subject, attribute, identifier)));
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(body));
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var boundary = Boundary(response);
        var text = Encoding.ASCII.GetString(body);
        Assert.EndsWith($"\r\n--{boundary}--\r\n", text, StringComparison.Ordinal);
        var parts = ReadParts(text, boundary);
        Assert.Equal(2, parts.Count);
        Assert.Equal("application/pkcs7-mime; smime-type=server-generated-key", parts[0].ContentType);
        Assert.Contains("smime-type=certs-only", parts[1].ContentType, StringComparison.Ordinal);
        var certificate = X509CertificateLoader.LoadCertificate(CertsOnly.Decode(EstBase64.Decode(Encoding.ASCII.GetBytes(parts[1].Body))).Single());
        Assert.Equal(subject, certificate.Subject);
        return (certificate, EstBase64.Decode(Encoding.ASCII.GetBytes(parts[0].Body)));
    }

    private static byte[] CsrWith(string subject, string attribute, byte[] identifier)
    {
        using var key = TestCsr.NewP256();
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.OtherRequestAttributes.Add(new AsnEncodedData(attribute, DecryptKeyRequest.EncodeValue(identifier)));
        return request.CreateSigningRequest();
    }

    private static async Task<byte[]> OpensslDecryptAsync(PkiFiles files, byte[] enveloped, X509Certificate2 recipient, AsymmetricAlgorithm key)
    {
        await File.WriteAllBytesAsync(files.File_("key.p7m"), enveloped);
        files.Certificates("recipient.pem", recipient);
        await File.WriteAllTextAsync(files.File_("recipient.key"), key.ExportPkcs8PrivateKeyPem());
        var (code, output) = await Processes.RunAsync("openssl", "cms -decrypt -inform DER -in key.p7m -outform DER -out signed.der -recip recipient.pem -inkey recipient.key", workingDirectory: files.Directory);
        Assert.True(code == 0, output);
        return await File.ReadAllBytesAsync(files.File_("signed.der"));
    }

    /// <summary>
    /// RFC 7030 §4.4.2: the EnvelopedData holds a SignedData by the party that generated the key; openssl verifies it
    /// up to the EST root, and its AsymmetricKeyPackage holds one key, the private key of the issued certificate.
    /// </summary>
    private async Task AssertSignedKeyPackageMatchesAsync(PkiFiles files, byte[] signed, X509Certificate2 issued)
    {
        await File.WriteAllBytesAsync(files.File_("signed.der"), signed);
        var (code, output) = await Processes.RunAsync("openssl", $"cms -verify -inform DER -in signed.der -binary -out package.der -CAfile {Server.RootCertificatePath} -purpose any", workingDirectory: files.Directory);
        Assert.True(code == 0, output);
        var package = new AsnReader(await File.ReadAllBytesAsync(files.File_("package.der")), AsnEncodingRules.DER).ReadSequence();
        var pkcs8 = package.ReadEncodedValue().ToArray();
        Assert.False(package.HasData);
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        Assert.Equal(issued.PublicKey.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
    }

    private static async Task<string> OpensslPrintAsync(PkiFiles files, byte[] enveloped)
    {
        await File.WriteAllBytesAsync(files.File_("print.p7m"), enveloped);
        var (code, output) = await Processes.RunAsync("openssl", "cms -cmsout -print -inform DER -in print.p7m", workingDirectory: files.Directory);
        Assert.True(code == 0, output);
        return output;
    }

    private static byte[] Ski(X509Certificate2 certificate) =>
        Convert.FromHexString(((X509SubjectKeyIdentifierExtension)certificate.Extensions[Oids.SubjectKeyIdentifier]!).SubjectKeyIdentifier!);

    private static string Boundary(HttpResponseMessage response) =>
        response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!;

    private static List<(string ContentType, string Body)> ReadParts(string text, string boundary)
    {
        var parts = new List<(string, string)>();
        foreach (var section in text.Split("--" + boundary).Skip(1))
        {
            if (section.StartsWith("--", StringComparison.Ordinal))
            {
                break;
            }

            var headerEnd = section.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var contentType = section[..headerEnd].Split("\r\n").Single(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))["Content-Type:".Length..].Trim();
            var body = section[(headerEnd + 4)..];
            Assert.EndsWith("\r\n", body, StringComparison.Ordinal);
            parts.Add((contentType, body[..^2]));
        }

        return parts;
    }
}
