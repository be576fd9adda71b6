using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;
using Estuary.Testing;
using Xunit;

namespace Estuary.Protocol.Tests;

public sealed class CertificationRequestTests
{
    private static byte[] DecodeVector(string path) => EstBase64.Decode(Vectors.Read(path));

    [Theory]
    [InlineData("requests/strongswan-5.9.8/simpleenroll.b64", "CN=vectors-strongswan-pki")]
    [InlineData("requests/curl-7.88.1/simpleenroll.b64", "CN=vectors-curl")]
    [InlineData("requests/bc-1.72/simpleenroll.b64", "CN=vectors-bc")]
    [InlineData("requests/libest-3.2.0/simpleenroll-1-noauth.b64", "CN=vectors-libest")]
    [InlineData("requests/libest-3.2.0/simpleenroll-2-after401.b64", "CN=vectors-libest")]
    public void Decode_accepts_the_CSRs_of_every_captured_client(string vector, string subject)
    {
        var csr = CertificationRequest.Decode(DecodeVector(vector));

        Assert.Equal(subject, new X500DistinguishedName(csr.Subject.Span).Name);
        Assert.Equal("P-256", csr.PublicKey.Name);
        Assert.Equal(Oids.EcdsaWithSha256, csr.SignatureAlgorithm);
    }

    [Fact]
    public void Decode_reads_the_extensionRequest_libest_copies_on_reenroll()
    {
        var csr = CertificationRequest.Decode(DecodeVector("requests/libest-3.2.0/simplereenroll.b64"));

        var basicConstraints = Assert.Single(csr.Extensions);
        Assert.Equal(Oids.BasicConstraints, basicConstraints.Oid);
        Assert.True(basicConstraints.Critical);
    }

    [Fact]
    public void Decode_refuses_a_flipped_signature_byte()
    {
        var e = Assert.Throws<EstProtocolException>(() => CertificationRequest.Decode(DecodeVector("negative/csr-badsig.b64")));
        Assert.Contains("signature does not verify", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_refuses_trailing_bytes_that_libest_accepts()
    {
        var e = Assert.Throws<EstProtocolException>(() => CertificationRequest.Decode(DecodeVector("negative/csr-trailing-bytes.b64")));
        Assert.Contains("trailing data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_refuses_truncated_DER()
    {
        Assert.Throws<EstProtocolException>(() => CertificationRequest.Decode(DecodeVector("negative/csr-truncated.b64")));
    }

    [Fact]
    public void Decode_refuses_a_duplicated_extension()
    {
        using var key = TestCsr.NewP256();
        var request = new CertificateRequest("CN=dup", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509Extension(new Oid("2.5.29.15"), new X509KeyUsageExtension(X509KeyUsageFlags.KeyAgreement, true).RawData, true));

        var e = Assert.Throws<EstProtocolException>(() => CertificationRequest.Decode(request.CreateSigningRequest()));

        Assert.Contains("twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_reads_the_challengePassword_and_SAN_of_a_BCL_CSR()
    {
        using var key = TestCsr.NewP256();
        var request = new CertificateRequest("CN=pop", key, HashAlgorithmName.SHA256);
        request.OtherRequestAttributes.Add(new AsnEncodedData(Oids.ChallengePassword, EncodePrintable("tls-unique-value")));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("pop.example");
        request.CertificateExtensions.Add(san.Build());

        var csr = CertificationRequest.Decode(request.CreateSigningRequest());

        Assert.Equal("tls-unique-value", csr.ChallengePassword);
        var names = GeneralNames.Read(csr.FindExtension(Oids.SubjectAltName)!.Value);
        Assert.Equal("DNS:pop.example", Assert.Single(names).ToString());
    }

    [Theory]
    [InlineData(2048)]
    [InlineData(3072)]
    public void Decode_verifies_RSA_signatures_and_reports_the_modulus_size(int bits)
    {
        using var rsa = RSA.Create(bits);
        var csr = CertificationRequest.Decode(TestCsr.Create("CN=rsa", rsa));

        Assert.True(csr.PublicKey.IsRsa);
        Assert.Equal(bits, csr.PublicKey.KeySizeBits);
    }

    [Fact]
    public void Decode_refuses_garbage_that_is_valid_base64()
    {
        var garbage = new byte[300];
        new Random(7).NextBytes(garbage);
        Assert.Throws<EstProtocolException>(() => CertificationRequest.Decode(garbage));
    }

    private static byte[] EncodePrintable(string value)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        writer.WriteCharacterString(System.Formats.Asn1.UniversalTagNumber.PrintableString, value);
        return writer.Encode();
    }
}
