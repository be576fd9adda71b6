using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Protocol.Crypto;
using Estuary.Ra;
using Estuary.Testing;
using Org.BouncyCastle.Ocsp;
using Xunit;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Estuary.Server.Tests;

/// <summary>A server with an ML-DSA-65 hierarchy and a label on it, beside the ECDSA default.</summary>
public sealed class MlDsaServer : IAsyncLifetime
{
    public EstuaryTestServer Server { get; } = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Ca:Hierarchies:pqc:KeyAlgorithm"] = "ML-DSA-65",
        ["Estuary:Labels:pqc:Hierarchy"] = "pqc",
        ["Estuary:Labels:pqc:AllowedKeys:0"] = "ML-DSA-65",
        ["Estuary:Labels:pqc:AllowedKeys:1"] = "P-256",
        ["Estuary:Labels:pqc:ExtendedKeyUsage:0"] = "ClientAuth",
    });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// An ML-DSA-65 label end to end over real TLS: it issues (ML-DSA and P-256 CSRs), renews, revokes, and every
/// signature it makes — certificates, the CRL, OCSP answers — verifies under @noble/post-quantum (tests/node).
/// </summary>
public sealed class MlDsaEnrollmentTests(MlDsaServer fixture) : IClassFixture<MlDsaServer>
{
    private EstuaryTestServer Server => fixture.Server;

    private string Authority => Server.BaseUri.GetLeftPart(UriPartial.Authority);

    [Fact]
    public async Task The_labels_cacerts_is_the_ML_DSA_chain_and_the_default_label_keeps_the_ECDSA_one()
    {
        using var files = new PkiFiles();
        using var client = Server.CreateClient();
        using var pqc = await client.GetAsync("pqc/cacerts");
        using var main = await client.GetAsync("cacerts");
        var chain = await EstWire.ReadCertsAsync(pqc);
        var mainChain = await EstWire.ReadCertsAsync(main);

        Assert.Equal(2, chain.Count);
        Assert.All(chain, c => Assert.Equal(Oids.MlDsa65, c.PublicKey.Oid.Value));
        Assert.All(chain, c => Assert.Equal(Oids.MlDsa65, c.SignatureAlgorithm.Value));
        Assert.All(mainChain, c => Assert.Equal(Oids.EcPublicKey, c.PublicKey.Oid.Value));
        var (issuing, root) = (chain[0], chain[1]);
        Assert.Equal(root.SubjectName.Name, issuing.IssuerName.Name);
        await NodeVerifiesAsync(files, "cert", root.RawData, root);
        await NodeVerifiesAsync(files, "cert", issuing.RawData, root);
    }

    [Fact]
    public async Task An_ML_DSA_65_CSR_is_issued_a_certificate_that_Node_verifies_up_to_the_label_root()
    {
        using var files = new PkiFiles();
        var key = MlDsaPrivateKey.Generate(Oids.MlDsa65);
        using var client = Server.CreateClient(basicAuth: true);
        using var response = await client.PostAsync("pqc/simpleenroll", EstWire.Pkcs10(MlDsaCsr("CN=pqc-device", key)));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var certificate = (await EstWire.ReadCertsAsync(response)).Single();

        Assert.Equal(Oids.MlDsa65, certificate.PublicKey.Oid.Value);
        Assert.Equal(key.SubjectPublicKeyInfo, certificate.PublicKey.ExportSubjectPublicKeyInfo());
        var (issuing, _) = await ChainAsync();
        await NodeVerifiesAsync(files, "cert", certificate.RawData, issuing);
    }

    [Fact]
    public async Task A_P256_CSR_on_the_label_gets_an_ML_DSA_signed_certificate_that_OpenSSL_3_0_cannot_present_in_TLS()
    {
        using var files = new PkiFiles();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var basic = Server.CreateClient(basicAuth: true);
        basic.BaseAddress = new Uri(Server.EstUrl + "/pqc/");
        using var identity = await EstWire.EnrollAsync(basic, "CN=pqc-p256", key);
        Assert.Equal(Oids.MlDsa65, identity.SignatureAlgorithm.Value);
        Assert.Equal(Oids.EcPublicKey, identity.PublicKey.Oid.Value);
        var (issuing, _) = await ChainAsync();
        await NodeVerifiesAsync(files, "cert", identity.RawData, issuing);

        // docs/PQC.md: OpenSSL 3.0 rates a certificate whose signature algorithm it does not know at 0 security bits
        // and refuses to use it in a handshake, so simplereenroll (which authenticates with the certificate being
        // renewed) is out of reach for certificates of an ML-DSA hierarchy; they are renewed by a new enrollment.
        using var mtls = Server.CreateClient(identity);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => mtls.PostAsync("pqc/simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=pqc-p256", key))));
        Assert.Contains("ca md too weak", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simplereenroll_of_an_ML_DSA_certificate_with_Basic_is_a_clear_4xx_not_a_500()
    {
        var key = MlDsaPrivateKey.Generate(Oids.MlDsa65);
        using var client = Server.CreateClient(basicAuth: true);
        using var enrolled = await client.PostAsync("pqc/simpleenroll", EstWire.Pkcs10(MlDsaCsr("CN=pqc-basic-renew", key)));
        Assert.True(enrolled.IsSuccessStatusCode);

        using var response = await client.PostAsync("pqc/simplereenroll", EstWire.Pkcs10(MlDsaCsr("CN=pqc-basic-renew", key)));
        var reason = await response.Content.ReadAsStringAsync();

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.False(string.IsNullOrWhiteSpace(reason));
    }

    [Fact]
    public async Task Revocation_shows_in_the_labels_ML_DSA_CRL_and_OCSP_both_verified_by_Node()
    {
        using var files = new PkiFiles();
        var key = MlDsaPrivateKey.Generate(Oids.MlDsa65);
        using var client = Server.CreateClient(basicAuth: true);
        using var enrolled = await client.PostAsync("pqc/simpleenroll", EstWire.Pkcs10(MlDsaCsr("CN=pqc-revoked", key)));
        var certificate = (await EstWire.ReadCertsAsync(enrolled)).Single();
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var good = await client.PostAsync("pqc/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=pqc-good", otherKey)));
        var goodCertificate = (await EstWire.ReadCertsAsync(good)).Single();
        var (issuing, _) = await ChainAsync();

        var before = await NodeVerifiesAsync(files, "ocsp", await OcspAsync(certificate, issuing), issuing);
        Assert.Contains("status=good", before, StringComparison.Ordinal);
        var revoked = await Server.GetRequiredService<RevocationService>().RevokeAsync(certificate.SerialNumber, X509RevocationReason.KeyCompromise, "test", default);
        Assert.True(revoked.IsSuccess, revoked.Error?.Message);

        var after = await NodeVerifiesAsync(files, "ocsp", await OcspAsync(certificate, issuing), issuing);
        Assert.Contains("status=revoked", after, StringComparison.Ordinal);
        var stillGood = await NodeVerifiesAsync(files, "ocsp", await OcspAsync(goodCertificate, issuing), issuing);
        Assert.Contains("status=good", stillGood, StringComparison.Ordinal);

        var keyId = Convert.ToHexString(CertificateWriter.KeyIdentifier(issuing.PublicKey.ExportSubjectPublicKeyInfo()));
        using var http = Server.CreateClient();
        var crl = await http.GetByteArrayAsync(new Uri(Authority + "/crl/" + keyId + ".crl"));
        await NodeVerifiesAsync(files, "crl", crl, issuing);
        var parsed = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(crl);
        Assert.NotNull(parsed.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(certificate.SerialNumber, 16)));
        Assert.Null(parsed.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(goodCertificate.SerialNumber, 16)));
        // The certificate names that CRL and the OCSP responder (RFC 5280 §4.2.1.13, §4.2.2.1).
        var distribution = certificate.Extensions[Oids.CrlDistributionPoints];
        Assert.NotNull(distribution);
        Assert.Contains(keyId + ".crl", System.Text.Encoding.ASCII.GetString(distribution.RawData), StringComparison.Ordinal);
    }

    /// <summary>A PKCS#10 signed with ML-DSA (RFC 9881 §3), built by the BCL around Bouncy Castle's signature.</summary>
    private static byte[] MlDsaCsr(string subject, MlDsaPrivateKey key)
    {
        var request = new CertificateRequest(new X500DistinguishedName(subject), PublicKey.CreateFromSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _), HashAlgorithmName.SHA512);
        return request.CreateSigningRequest(new MlDsaSignatureGenerator(key));
    }

    private async Task<(X509Certificate2 Issuing, X509Certificate2 Root)> ChainAsync()
    {
        using var client = Server.CreateClient();
        using var response = await client.GetAsync("pqc/cacerts");
        var chain = await EstWire.ReadCertsAsync(response);
        return (chain[0], chain[1]);
    }

    private async Task<byte[]> OcspAsync(X509Certificate2 certificate, X509Certificate2 issuing)
    {
        var generator = new OcspReqGenerator();
        generator.AddRequest(new CertificateID(CertificateID.DigestSha1, new BcCertificate(issuing.RawData), new Org.BouncyCastle.Math.BigInteger(certificate.SerialNumber, 16)));
        using var content = new ByteArrayContent(generator.Generate().GetEncoded());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        using var client = Server.CreateClient();
        using var response = await client.PostAsync(new Uri(Authority + "/ocsp"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static Task<string> NodeVerifiesAsync(PkiFiles files, string kind, byte[] der, X509Certificate2 issuer) =>
        NodeVerifier.VerifiesMlDsaAsync(files, kind, der, issuer);
}
