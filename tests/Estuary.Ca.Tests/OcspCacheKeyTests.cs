using Estuary.Ca;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Ocsp;
using Xunit;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Estuary.Ca.Tests;

/// <summary>Which OCSP requests a pre-produced answer may serve (RFC 5019 §2.2.1): one CertID, nothing else.</summary>
public sealed class OcspCacheKeyTests
{
    private static readonly BcCertificate Issuer = new(TestCa.Create().Ca.Certificate.RawData);

    [Fact]
    public void Requests_for_the_same_CertID_share_a_key_and_another_serial_or_hash_does_not()
    {
        var a = OcspCacheKey.TryRead(Request(Id(0x1234)));
        var b = OcspCacheKey.TryRead(Request(Id(0x1234)));

        Assert.NotNull(a);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b!.GetHashCode());
        Assert.NotEqual(a, OcspCacheKey.TryRead(Request(Id(0x1235))));
        var sha256 = OcspCacheKey.TryRead(Sha256Request(0x12, 0x34));
        Assert.NotNull(sha256);
        Assert.NotEqual(a, sha256);
    }

    [Fact]
    public void A_request_with_a_nonce_has_no_key()
    {
        var generator = new OcspReqGenerator();
        generator.AddRequest(Id(0x1234));
        generator.SetRequestExtensions(new X509Extensions(new Dictionary<DerObjectIdentifier, X509Extension>
        {
            [OcspObjectIdentifiers.PkixOcspNonce] = new X509Extension(false, new DerOctetString(new DerOctetString([1, 2, 3, 4]))),
        }));

        Assert.Null(OcspCacheKey.TryRead(generator.Generate().GetEncoded()));
    }

    [Fact]
    public void A_request_for_two_certificates_or_naming_its_requestor_has_no_key()
    {
        var two = new OcspReqGenerator();
        two.AddRequest(Id(1));
        two.AddRequest(Id(2));
        var named = new OcspReqGenerator();
        named.AddRequest(Id(1));
        named.SetRequestorName(new GeneralName(GeneralName.DnsName, "client.example"));

        Assert.Null(OcspCacheKey.TryRead(two.Generate().GetEncoded()));
        Assert.Null(OcspCacheKey.TryRead(named.Generate().GetEncoded()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("3003020101")]
    [InlineData("30820001")]
    public void Bytes_that_are_no_OCSPRequest_have_no_key(string hex) =>
        Assert.Null(OcspCacheKey.TryRead(Convert.FromHexString(hex)));

    [Fact]
    public void A_request_with_trailing_bytes_has_no_key() =>
        Assert.Null(OcspCacheKey.TryRead((byte[])[.. Request(Id(0x1234)), 0x00]));

    private static CertificateID Id(long serial) => new(CertificateID.DigestSha1, Issuer, BigInteger.ValueOf(serial));

    /// <summary>The same serial with SHA-256 CertID hashes (RFC 6960 §4.1.1), written by hand: another CertID.</summary>
    private static byte[] Sha256Request(params byte[] serial)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("2.16.840.1.101.3.4.2.1");
                writer.WriteNull();
            }

            writer.WriteOctetString(System.Security.Cryptography.SHA256.HashData(Issuer.SubjectDN.GetEncoded()));
            writer.WriteOctetString(System.Security.Cryptography.SHA256.HashData(Issuer.CertificateStructure.SubjectPublicKeyInfo.PublicKey.GetOctets()));
            writer.WriteInteger(serial);
        }

        return writer.Encode();
    }

    private static byte[] Request(CertificateID id)
    {
        var generator = new OcspReqGenerator();
        generator.AddRequest(id);
        return generator.Generate().GetEncoded();
    }
}
