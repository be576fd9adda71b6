using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using Estuary.Protocol.Asn1;
using Estuary.Protocol.Crypto;
using Estuary.Testing;
using Xunit;

namespace Estuary.Protocol.Tests;

/// <summary>
/// OpenSSL 3.5's ML-DSA artifacts (shared/vectors/pqc/ossl35, IETF hackathon "pqc-certificates"): Estuary reads the
/// three RFC 9881 private-key forms another implementation wrote, verifies its certificates and RFC 9882 SignedData,
/// and writes a key that reads back the same.
/// </summary>
public sealed class MlDsaVectorTests
{
    public static TheoryData<string, string> ParameterSets => new()
    {
        { "ml-dsa-44-2.16.840.1.101.3.4.3.17", Oids.MlDsa44 },
        { "ml-dsa-65-2.16.840.1.101.3.4.3.18", Oids.MlDsa65 },
        { "ml-dsa-87-2.16.840.1.101.3.4.3.19", Oids.MlDsa87 },
    };

    private static string Folder => Path.Combine(RepositoryPaths.Shared, "vectors", "pqc", "ossl35");

    private static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Folder, name));

    [Theory]
    [MemberData(nameof(ParameterSets))]
    public void The_seed_expandedKey_and_both_forms_give_the_public_key_of_the_trust_anchor(string prefix, string oid)
    {
        var taPublicKey = PublicKeyOf(Read(prefix + "_ta.der"));

        foreach (var form in new[] { "seed", "expandedkey", "both" })
        {
            var key = MlDsaPrivateKey.ImportPkcs8(Read($"{prefix}_{form}_priv.der"));
            Assert.Equal(oid, key.Oid);
            Assert.Equal(taPublicKey, key.PublicKey);
            Assert.Equal(form != "expandedkey", key.HasSeed);
        }
    }

    [Theory]
    [MemberData(nameof(ParameterSets))]
    public void Each_trust_anchor_self_signature_verifies_with_Estuarys_verifier_and_a_flipped_bit_does_not(string prefix, string oid)
    {
        var certificate = Read(prefix + "_ta.der");
        var (tbs, algorithm, signature) = Split(certificate);
        Assert.Equal(MlDsa.AlgorithmIdentifier(oid), algorithm); // RFC 9881 §2: parameters absent
        var spki = SubjectPublicKeyInfo(certificate);

        Assert.True(MlDsa.Verify(oid, spki, tbs, signature));
        tbs[^10] ^= 1;
        Assert.False(MlDsa.Verify(oid, spki, tbs, signature));
    }

    [Theory]
    [MemberData(nameof(ParameterSets))]
    public void A_key_written_by_Estuary_reads_back_to_the_same_key_and_signs_what_the_trust_anchor_key_verifies(string prefix, string oid)
    {
        var taPublicKey = PublicKeyOf(Read(prefix + "_ta.der"));
        foreach (var form in new[] { "seed", "expandedkey", "both" })
        {
            var read = MlDsaPrivateKey.ImportPkcs8(Read($"{prefix}_{form}_priv.der"));
            var written = read.ExportPkcs8();
            var again = MlDsaPrivateKey.ImportPkcs8(written);

            Assert.Equal(taPublicKey, again.PublicKey);
            // The seed is written whenever it is known: byte-identical to OpenSSL's seed-only file.
            if (read.HasSeed)
            {
                Assert.Equal(Read($"{prefix}_seed_priv.der"), written);
            }

            var message = Encoding.ASCII.GetBytes("estuary " + form);
            Assert.True(MlDsa.VerifyRaw(oid, taPublicKey, message, again.Sign(message)));
        }
    }

    [Theory]
    [MemberData(nameof(ParameterSets))]
    public void The_RFC_9882_SignedData_verifies_to_the_expected_plaintext_under_the_CMS_trust_anchor(string prefix, string oid)
    {
        var signedData = Read(prefix + "_signed_attrs.der");
        var anchor = Read("cms-ta.der");
        // The signer's certificate travels in the SignedData; it chains to cms-ta.der.
        var signer = Assert.Single(MlDsaSignedData.Certificates(signedData));
        var (tbs, algorithm, signature) = Split(signer);
        var anchorOid = new AsnReader(algorithm, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();
        Assert.True(MlDsa.Verify(anchorOid, SubjectPublicKeyInfo(anchor), tbs, signature));
        Assert.True(MlDsa.TryReadPublicKey(SubjectPublicKeyInfo(signer), out var signerOid, out _));
        Assert.Equal(oid, signerOid);

        var content = MlDsaSignedData.Verify(signedData, signer);

        Assert.Equal(Read("expected_plaintext.txt"), content);
        var tampered = (byte[])signedData.Clone();
        tampered[^20] ^= 1; // inside the signature
        Assert.ThrowsAny<CryptographicException>(() => MlDsaSignedData.Verify(tampered, signer));
    }

    [Fact]
    public void A_both_form_whose_seed_and_expanded_key_disagree_is_refused()
    {
        var seed = Read("ml-dsa-44-2.16.840.1.101.3.4.3.17_seed_priv.der");
        var both = Read("ml-dsa-44-2.16.840.1.101.3.4.3.17_both_priv.der");
        var index = both.AsSpan().IndexOf(seed.AsSpan(^32)); // the 32 seed octets inside "both"
        Assert.True(index > 0);
        both[index] ^= 1;

        var refused = Assert.ThrowsAny<CryptographicException>(() => MlDsaPrivateKey.ImportPkcs8(both));
        Assert.Contains("do not match", refused.Message, StringComparison.Ordinal);
    }

    private static (byte[] Tbs, byte[] Algorithm, byte[] Signature) Split(byte[] certificate)
    {
        var reader = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence();
        return (reader.ReadEncodedValue().ToArray(), reader.ReadEncodedValue().ToArray(), reader.ReadBitString(out _));
    }

    private static byte[] SubjectPublicKeyInfo(byte[] certificate)
    {
        using var parsed = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate);
        return parsed.PublicKey.ExportSubjectPublicKeyInfo();
    }

    private static byte[] PublicKeyOf(byte[] certificate) =>
        MlDsa.TryReadPublicKey(SubjectPublicKeyInfo(certificate), out _, out var key) ? key : throw new InvalidOperationException("not an ML-DSA certificate");
}
