using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;
using Estuary.Protocol.Cmc;
using Estuary.Protocol.Crypto;
using Xunit;

namespace Estuary.Protocol.Tests;

/// <summary>
/// ML-DSA-signed CMC (RFC 9882) as Estuary writes and reads it: the PKIData of a client, the PKIResponse of an ML-DSA
/// label, and the path check the client runs on its signer. The independent check (Node, @noble/post-quantum) runs
/// against a real server in Estuary.Client.Tests.MlDsaCmcTests.
/// </summary>
public sealed class MlDsaCmsTests
{
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.UtcNow;

    [Fact]
    public void A_PKIData_signed_with_the_certificate_verifies_and_reports_the_signer_and_its_signingTime()
    {
        var key = MlDsaPrivateKey.Generate(Oids.MlDsa65);
        var (root, rootKey) = Root();
        var certificate = Issue("CN=device", key, root, rootKey, ca: false);

        var request = CmcRequest.Decode(CmcSignedData.Sign(CmcOids.PkiData, PkiData(Csr("CN=device", key)), key, certificate, [], SignedAt));

        Assert.Null(request.SignatureProblem);
        var signer = Assert.Single(request.CertificateSigners);
        Assert.Equal(certificate, signer.Certificate.ToArray());
        Assert.Equal(SignedAt.ToUnixTimeSeconds(), signer.SigningTime!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public void A_PKIData_signed_by_another_ML_DSA_key_than_the_CSRs_does_not_verify()
    {
        var key = MlDsaPrivateKey.Generate(Oids.MlDsa65);
        var other = MlDsaPrivateKey.Generate(Oids.MlDsa65);

        var request = CmcRequest.Decode(CmcSignedData.Sign(CmcOids.PkiData, PkiData(Csr("CN=device", key)), other, null, [], SignedAt));

        Assert.NotNull(request.SignatureProblem);
    }

    [Fact]
    public void A_PKIData_signature_is_not_accepted_as_a_PKIResponse_because_content_type_is_signed()
    {
        var (root, rootKey) = Root();
        var signed = MlDsaSignedDataWriter.Sign(CmcOids.PkiData, PkiData(Csr("CN=device", rootKey)), rootKey, root, [], SignedAt);

        // Relabel the eContentType only: the content-type signed attribute still says id-cct-PKIData (RFC 5652 §11.1).
        var relabelled = ReplaceFirst(signed, Oid(CmcOids.PkiData), Oid(CmcOids.PkiResponse));

        Assert.ThrowsAny<CryptographicException>(() => MlDsaSignedData.Verify(relabelled, root));
    }

    [Fact]
    public void An_ML_DSA_PKIResponse_decodes_with_its_signer_whose_path_checks_to_the_root()
    {
        var (root, rootKey) = Root();
        var issuingKey = MlDsaPrivateKey.Generate(Oids.MlDsa65);
        var issuing = Issue("CN=issuing", issuingKey, root, rootKey, ca: true);
        CmcStatusInfo[] statuses = [new(CmcStatus.Success, [1])];

        var der = CmcResponse.Encode(statuses, [issuing, root], issuingKey, issuing, SignedAt);
        var response = CmcPkiResponse.Decode(der);

        Assert.Equal(issuing, response.SignerCertificate);
        Assert.Equal(CmcStatus.Success, response.Statuses.Single().Status);
        Assert.Null(MlDsaCertificatePath.Validate(issuing, response.Certificates, [root], DateTimeOffset.UtcNow));
        var (otherRoot, _) = Root();
        Assert.Contains("verifies the ML-DSA signature", MlDsaCertificatePath.Validate(issuing, response.Certificates, [otherRoot], DateTimeOffset.UtcNow), StringComparison.Ordinal);
        Assert.Contains("not valid now", MlDsaCertificatePath.Validate(issuing, response.Certificates, [root], DateTimeOffset.UtcNow.AddYears(30)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_through_an_end_entity_certificate_is_refused()
    {
        var (root, rootKey) = Root();
        var leafKey = MlDsaPrivateKey.Generate(Oids.MlDsa44);
        var leaf = Issue("CN=leaf", leafKey, root, rootKey, ca: false);
        var below = Issue("CN=below", MlDsaPrivateKey.Generate(Oids.MlDsa44), leaf, leafKey, ca: false);

        Assert.NotNull(MlDsaCertificatePath.Validate(below, [leaf], [root], DateTimeOffset.UtcNow));
    }

    private static byte[] PkiData(byte[] csr) => CmcPkiData.Encode([], [(1, csr)]);

    private static byte[] Csr(string subject, MlDsaPrivateKey key) =>
        new CertificateRequest(new X500DistinguishedName(subject), PublicKey.CreateFromSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _), HashAlgorithmName.SHA512)
            .CreateSigningRequest(new MlDsaSignatureGenerator(key));

    private static (byte[] Certificate, MlDsaPrivateKey Key) Root()
    {
        var key = MlDsaPrivateKey.Generate(Oids.MlDsa65);
        var request = Request("CN=root", key, ca: true);
        using var certificate = request.Create(request.SubjectName, new MlDsaSignatureGenerator(key), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1), [1]);
        return (certificate.RawData, key);
    }

    private static byte[] Issue(string subject, MlDsaPrivateKey key, byte[] issuer, MlDsaPrivateKey issuerKey, bool ca)
    {
        using var issuerCertificate = X509CertificateLoader.LoadCertificate(issuer);
        using var certificate = Request(subject, key, ca).Create(issuerCertificate.SubjectName, new MlDsaSignatureGenerator(issuerKey), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1), RandomNumberGenerator.GetBytes(8));
        return certificate.RawData;
    }

    private static CertificateRequest Request(string subject, MlDsaPrivateKey key, bool ca)
    {
        var request = new CertificateRequest(new X500DistinguishedName(subject), PublicKey.CreateFromSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _), HashAlgorithmName.SHA512);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, false, 0, true));
        return request;
    }

    private static byte[] Oid(string oid)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(oid);
        return writer.Encode();
    }

    private static byte[] ReplaceFirst(byte[] der, byte[] from, byte[] to)
    {
        Assert.Equal(from.Length, to.Length);
        var copy = der.ToArray();
        var at = copy.AsSpan().IndexOf(from);
        Assert.True(at >= 0);
        to.CopyTo(copy.AsSpan(at));
        return copy;
    }
}
