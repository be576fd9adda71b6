using System.Formats.Asn1;
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

/// <summary>A server with an ML-KEM-768 label ("mlkem", ECDSA hierarchy) beside the default P-256 label.</summary>
public sealed class MlKemServer : IAsyncLifetime
{
    public EstuaryTestServer Server { get; } = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:mlkem:ServerKeyAlgorithm"] = "ML-KEM-768",
        // What the label lists is replaced by keyEncipherment alone on ML-KEM certificates (RFC 9935 §5).
        ["Estuary:Labels:mlkem:KeyUsage:0"] = "DigitalSignature",
        ["Estuary:Labels:default:KeyUsage:0"] = "DigitalSignature",
        ["Estuary:Labels:default:KeyUsage:1"] = "KeyAgreement",
    });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// /serverkeygen on an ML-KEM label over real TLS (RFC 7030 §4.4, RFC 9935), plain and encrypted to an ML-KEM recipient
/// certificate with a KEMRecipientInfo (RFC 9629, RFC 9936); the keys and envelopes are checked by tests/node/mlkem-decap.mjs
/// (@noble/post-quantum, asn1js), an implementation nobody here wrote.
/// </summary>
public sealed class MlKemServerKeyGenTests(MlKemServer fixture) : IClassFixture<MlKemServer>
{
    private EstuaryTestServer Server => fixture.Server;

    [Fact]
    public async Task An_ML_KEM_768_label_returns_a_PKCS8_seed_key_and_a_certificate_with_the_RFC_9935_key_and_keyEncipherment_only()
    {
        using var client = Server.CreateClient(basicAuth: true);

        var (pkcs8, certificate) = await ServerKeyGenAsync(client, "mlkem/serverkeygen", PlainCsr("CN=mlkem-plain"));

        Assert.Equal(Oids.MlKem768, certificate.PublicKey.Oid.Value);
        var algorithm = new AsnReader(certificate.PublicKey.ExportSubjectPublicKeyInfo(), AsnEncodingRules.DER).ReadSequence().ReadSequence();
        Assert.Equal(Oids.MlKem768, algorithm.ReadObjectIdentifier());
        Assert.False(algorithm.HasData); // RFC 9935 §3: parameters absent
        Assert.Equal(1184, certificate.PublicKey.EncodedKeyValue.RawData.Length);
        var usage = Assert.IsType<X509KeyUsageExtension>(certificate.Extensions[Oids.KeyUsage]);
        Assert.Equal(X509KeyUsageFlags.KeyEncipherment, usage.KeyUsages);
        Assert.True(usage.Critical);
        Assert.Single(certificate.Extensions, e => e.Oid!.Value == Oids.KeyUsage);
        _ = MlKemKeys.ReadPrivateKey(pkcs8, out var form);
        Assert.Equal(MlKemPrivateKeyForm.Seed, form);
        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), MlKemKeys.PublicKeyInfoOf(pkcs8));
        Assert.True(IssuedByTheServer(certificate));

        using var files = new PkiFiles();
        await File.WriteAllBytesAsync(files.File_("cert.der"), certificate.RawData);
        await File.WriteAllBytesAsync(files.File_("key.der"), pkcs8);
        var (code, output) = await NodeVerifier.RunAsync("mlkem-decap.mjs", "check", files.File_("cert.der"), files.File_("key.der"));
        Assert.True(code == 0, output);
        Assert.Contains("ok ML-KEM-768 seed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_encrypted_to_the_ML_KEM_certificate_of_an_earlier_serverkeygen_comes_in_a_KEMRecipientInfo_that_Node_opens()
    {
        using var client = Server.CreateClient(basicAuth: true);
        var (recipientKey, recipient) = await ServerKeyGenAsync(client, "mlkem/serverkeygen", PlainCsr("CN=mlkem-recipient"));

        var (enveloped, issued) = await ServerKeyGenEncryptedAsync(client, "mlkem/serverkeygen", CsrFor("CN=mlkem-encrypted", Ski(recipient)));

        using var files = new PkiFiles();
        await File.WriteAllBytesAsync(files.File_("key.p7m"), enveloped);
        await File.WriteAllBytesAsync(files.File_("recipient.der"), recipientKey);
        var (code, output) = await NodeVerifier.RunAsync("mlkem-decap.mjs", "decap", files.File_("key.p7m"), files.File_("recipient.der"));
        Assert.True(code == 0, output);
        Assert.Contains("ML-KEM-768 (seed key), kdf 1.2.840.113549.1.9.16.3.28, wrap 2.16.840.1.101.3.4.1.45, kekLength 32", output, StringComparison.Ordinal);
        var recovered = Convert.FromBase64String(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).First(l => !l.StartsWith("mlkem-decap:", StringComparison.Ordinal)));

        // The key Node recovered belongs to the certificate just issued: Node derives its public key and round-trips a secret.
        await File.WriteAllBytesAsync(files.File_("issued.der"), issued.RawData);
        await File.WriteAllBytesAsync(files.File_("recovered.der"), recovered);
        (code, output) = await NodeVerifier.RunAsync("mlkem-decap.mjs", "check", files.File_("issued.der"), files.File_("recovered.der"));
        Assert.True(code == 0, output);

        // And Estuary's own reader agrees, with the RA's signature on the key package verified (RFC 7030 §4.4.2).
        var signed = ServerGeneratedKeyEnvelope.OpenWithMlKemKey(enveloped, recipient, recipientKey);
        Assert.Equal(recovered, ServerGeneratedKeyEnvelope.ReadKeyPackage(signed, out var signer));
        Assert.Equal(Server.GetRequiredService<Estuary.Ca.CaMaterial>().RaSigningCertificate!.Thumbprint, signer.Thumbprint);
    }

    [Fact]
    public async Task An_EC_key_of_another_label_can_be_encrypted_to_the_ML_KEM_certificate_too()
    {
        using var client = Server.CreateClient(basicAuth: true);
        var (recipientKey, recipient) = await ServerKeyGenAsync(client, "mlkem/serverkeygen", PlainCsr("CN=mlkem-recipient-2"));

        var (enveloped, issued) = await ServerKeyGenEncryptedAsync(client, "serverkeygen", CsrFor("CN=ec-encrypted-to-mlkem", Ski(recipient)));

        var key = ServerGeneratedKeyEnvelope.ReadKeyPackage(ServerGeneratedKeyEnvelope.OpenWithMlKemKey(enveloped, recipient, recipientKey), out _);
        using var ec = ECDsa.Create();
        ec.ImportPkcs8PrivateKey(key, out _);
        Assert.Equal(issued.PublicKey.ExportSubjectPublicKeyInfo(), ec.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task Simpleenroll_on_an_ML_KEM_label_gets_400_saying_ML_KEM_keys_come_from_serverkeygen_and_issues_nothing()
    {
        using var client = Server.CreateClient(basicAuth: true);
        var before = await Server.GetRequiredService<IEstuaryStore>().CountCertificatesAsync(default);

        using var response = await client.PostAsync("mlkem/simpleenroll", EstWire.Pkcs10(PlainCsr("CN=mlkem-enroll")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        var reason = await response.Content.ReadAsStringAsync();
        Assert.Contains("ML-KEM-768", reason, StringComparison.Ordinal);
        Assert.Contains("/serverkeygen", reason, StringComparison.Ordinal);
        Assert.Equal(before, await Server.GetRequiredService<IEstuaryStore>().CountCertificatesAsync(default));
    }

    [Fact]
    public async Task An_ML_KEM_recipient_certificate_of_another_account_is_not_found()
    {
        using var client = Server.CreateClient(basicAuth: true);
        var (_, recipient) = await ServerKeyGenAsync(client, "mlkem/serverkeygen", PlainCsr("CN=mlkem-someone"));
        var ski = Ski(recipient);
        ski[0] ^= 0xFF; // an identifier no certificate of this account has

        using var response = await client.PostAsync("mlkem/serverkeygen", EstWire.Pkcs10(CsrFor("CN=mlkem-unknown", ski)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("AsymmetricDecryptKeyIdentifier", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private bool IssuedByTheServer(X509Certificate2 certificate)
    {
        // The ML-KEM certificate is signed by the label's (ECDSA) issuing CA, found in /cacerts' chain.
        var issuer = Server.GetRequiredService<Estuary.Ca.CertificateAuthority>().Certificate;
        using var ecdsa = issuer.GetECDsaPublicKey()!;
        var reader = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = reader.ReadEncodedValue();
        _ = reader.ReadSequence();
        var signature = reader.ReadBitString(out _);
        return certificate.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData)
            && ecdsa.VerifyData(tbs.Span, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    private static byte[] PlainCsr(string subject)
    {
        using var key = TestCsr.NewP256();
        return TestCsr.Create(subject, key);
    }

    private static byte[] CsrFor(string subject, byte[] recipientSki)
    {
        using var key = TestCsr.NewP256();
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.OtherRequestAttributes.Add(new AsnEncodedData(Oids.AsymmetricDecryptKeyIdentifier, DecryptKeyRequest.EncodeValue(recipientSki)));
        return request.CreateSigningRequest();
    }

    private static async Task<(byte[] Pkcs8, X509Certificate2 Certificate)> ServerKeyGenAsync(HttpClient client, string path, byte[] csr)
    {
        var parts = await PostAsync(client, path, csr);
        Assert.Equal("application/pkcs8", parts[0].ContentType);
        return (parts[0].Body, X509CertificateLoader.LoadCertificate(CertsOnly.Decode(parts[1].Body).Single()));
    }

    private static async Task<(byte[] Enveloped, X509Certificate2 Certificate)> ServerKeyGenEncryptedAsync(HttpClient client, string path, byte[] csr)
    {
        var parts = await PostAsync(client, path, csr);
        Assert.Equal("application/pkcs7-mime; smime-type=server-generated-key", parts[0].ContentType);
        return (parts[0].Body, X509CertificateLoader.LoadCertificate(CertsOnly.Decode(parts[1].Body).Single()));
    }

    private static async Task<List<(string ContentType, byte[] Body)>> PostAsync(HttpClient client, string path, byte[] csr)
    {
        using var response = await client.PostAsync(path, EstWire.Pkcs10(csr));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var boundary = response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!;
        var parts = new List<(string, byte[])>();
        foreach (var section in text.Split("--" + boundary).Skip(1).TakeWhile(s => !s.StartsWith("--", StringComparison.Ordinal)))
        {
            var headerEnd = section.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var contentType = section[..headerEnd].Split("\r\n").Single(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))["Content-Type:".Length..].Trim();
            parts.Add((contentType, EstBase64.Decode(Encoding.ASCII.GetBytes(section[(headerEnd + 4)..^2]))));
        }

        Assert.Equal(2, parts.Count);
        return parts;
    }

    private static byte[] Ski(X509Certificate2 certificate) =>
        Convert.FromHexString(((X509SubjectKeyIdentifierExtension)certificate.Extensions[Oids.SubjectKeyIdentifier]!).SubjectKeyIdentifier!);
}
