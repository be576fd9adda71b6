using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Xunit;

namespace Estuary.Ca.Tests;

/// <summary>
/// Partitioned CRLs (RFC 5280 §5.2.5): which partition a serial falls in, the partition file names, and the critical
/// issuingDistributionPoint a partition CRL carries, read back with the BCL's AsnReader.
/// </summary>
public sealed class CrlPartitionTests
{
    [Theory]
    [InlineData(2, true)]
    [InlineData(16, true)]
    [InlineData(256, true)]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(24, false)]
    [InlineData(512, false)]
    [InlineData(-16, false)]
    public void Only_powers_of_two_from_2_to_256_are_partition_counts(int count, bool valid)
    {
        Assert.Equal(valid, CrlPartition.IsValidCount(count));
    }

    [Theory]
    [InlineData(new byte[] { 0x40, 0x00 }, 16, 0)]
    [InlineData(new byte[] { 0x40, 0x15 }, 16, 5)]
    [InlineData(new byte[] { 0x7F, 0xFF }, 16, 15)]
    [InlineData(new byte[] { 0x7F, 0xFF }, 256, 255)]
    [InlineData(new byte[] { 0x7F, 0xFF }, 2, 1)]
    [InlineData(new byte[] { 0x00, 0x85 }, 4, 1)] // a leading zero octet (DER of a high-bit serial) changes nothing
    [InlineData(new byte[] { 0x85 }, 4, 1)]
    public void The_partition_is_the_last_serial_octet_modulo_the_count(byte[] serial, int count, int index)
    {
        Assert.Equal(index, CrlPartition.IndexOf(serial, count));
    }

    [Fact]
    public void Random_serials_spread_over_every_partition()
    {
        var seen = new int[16];
        for (var i = 0; i < 4096; i++)
        {
            seen[CrlPartition.IndexOf(SerialNumber.Next(), 16)]++;
        }

        Assert.All(seen, n => Assert.InRange(n, 128, 384)); // 256 expected each
    }

    [Fact]
    public void A_bad_count_or_an_empty_serial_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CrlPartition.IndexOf([1], 3));
        Assert.Throws<ArgumentException>(() => CrlPartition.IndexOf([], 16));
    }

    [Theory]
    [InlineData("p16-5.crl", 16, 5)]
    [InlineData("p2-0.crl", 2, 0)]
    [InlineData("p256-255.crl", 256, 255)]
    public void Partition_file_names_round_trip(string name, int count, int index)
    {
        Assert.True(CrlPartition.TryParseFileName(name, out var c, out var i));
        Assert.Equal((count, index), (c, i));
        Assert.Equal(name, CrlPartition.FileName(count, index));
    }

    [Theory]
    [InlineData("p3-0.crl")]
    [InlineData("p16-16.crl")]
    [InlineData("p16-x.crl")]
    [InlineData("p16-05.crl")]
    [InlineData("p016-5.crl")]
    [InlineData("p16--5.crl")]
    [InlineData("p16-5.pem")]
    [InlineData("q16-5.crl")]
    [InlineData("p16-5")]
    [InlineData("p-5.crl")]
    [InlineData("p.crl")]
    [InlineData("p512-1.crl")]
    [InlineData("p1-0.crl")]
    [InlineData("")]
    public void Bad_partition_file_names_are_refused(string name)
    {
        Assert.False(CrlPartition.TryParseFileName(name, out _, out _));
    }

    [Fact]
    public void A_partition_CRL_carries_a_critical_issuingDistributionPoint_with_its_URL_and_onlyContainsUserCerts()
    {
        var (ca, _) = TestCa.Create();
        using (ca)
        {
            var now = DateTimeOffset.UtcNow;
            var url = "http://crl.example/crl/ABCD/p16-5.crl";
            var crl = CrlSigner.Sign(ca, [new CrlEntry([0x41, 0x05], now, X509RevocationReason.KeyCompromise)], 9, now, now.AddDays(1), new IssuingDistributionPoint(url, OnlyContainsUserCerts: true));

            var extensions = CrlExtensions(crl);
            var (critical, value) = extensions[Oids.IssuingDistributionPoint];
            Assert.True(critical);
            // Read with the BCL directly, not with the type that wrote it: [0] { [0] { [6] URI } } [1] TRUE.
            var idp = new AsnReader(value, AsnEncodingRules.DER).ReadSequence();
            var fullName = idp.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            Assert.Equal(url, fullName.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 6)));
            Assert.False(fullName.HasData);
            Assert.True(idp.ReadBoolean(new Asn1Tag(TagClass.ContextSpecific, 1)));
            Assert.False(idp.HasData);
            Assert.Equal(new IssuingDistributionPoint(url, true), IssuingDistributionPoint.Decode(value));
            // The CRL number and the AKI are there as in a full CRL, and the signature verifies with the CA's key.
            Assert.True(extensions.ContainsKey("2.5.29.20"));
            Assert.True(extensions.ContainsKey(Oids.AuthorityKeyIdentifier));
            Assert.True(Verifies(crl, ca.Certificate, SignatureHash.Of(ca.SigningKey)));
            Assert.False(Verifies(Flipped(crl), ca.Certificate, SignatureHash.Of(ca.SigningKey)));
        }
    }

    [Fact]
    public void A_full_CRL_has_no_issuingDistributionPoint()
    {
        var (ca, _) = TestCa.Create();
        using (ca)
        {
            var now = DateTimeOffset.UtcNow;
            var crl = CrlSigner.Sign(ca, [], 1, now, now.AddDays(1));

            Assert.False(CrlExtensions(crl).ContainsKey(Oids.IssuingDistributionPoint));
        }
    }

    [Fact]
    public void Decoding_refuses_trailing_data_an_explicit_FALSE_and_other_forms()
    {
        var good = new IssuingDistributionPoint("http://x/p2-0.crl", true).Encode();
        Assert.Throws<EstProtocolException>(() => IssuingDistributionPoint.Decode(good.Append((byte)0x00).ToArray()));
        var explicitFalse = new AsnWriter(AsnEncodingRules.DER);
        using (explicitFalse.PushSequence())
        {
            using (explicitFalse.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            using (explicitFalse.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                explicitFalse.WriteCharacterString(UniversalTagNumber.IA5String, "http://x/p2-0.crl", new Asn1Tag(TagClass.ContextSpecific, 6));
            }

            explicitFalse.WriteBoolean(false, new Asn1Tag(TagClass.ContextSpecific, 1));
        }

        Assert.Throws<EstProtocolException>(() => IssuingDistributionPoint.Decode(explicitFalse.Encode()));
        Assert.Throws<EstProtocolException>(() => IssuingDistributionPoint.Decode(new byte[] { 0x30, 0x00 }));
        Assert.False(IssuingDistributionPoint.Decode(new IssuingDistributionPoint("http://x/p2-0.crl", false).Encode()).OnlyContainsUserCerts);
    }

    /// <summary>crlExtensions of a CertificateList: OID → (critical, extnValue).</summary>
    internal static Dictionary<string, (bool Critical, byte[] Value)> CrlExtensions(byte[] crl)
    {
        var tbs = new AsnReader(crl, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        var result = new Dictionary<string, (bool, byte[])>(StringComparer.Ordinal);
        while (tbs.HasData)
        {
            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                var list = tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)).ReadSequence();
                while (list.HasData)
                {
                    var extension = list.ReadSequence();
                    var oid = extension.ReadObjectIdentifier();
                    var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
                    result.Add(oid, (critical, extension.ReadOctetString()));
                }
            }
            else
            {
                tbs.ReadEncodedValue();
            }
        }

        return result;
    }

    private static bool Verifies(byte[] crl, X509Certificate2 issuer, HashAlgorithmName hash)
    {
        var list = new AsnReader(crl, AsnEncodingRules.DER).ReadSequence();
        var tbs = list.ReadEncodedValue();
        list.ReadEncodedValue();
        var signature = list.ReadBitString(out _);
        using var key = issuer.GetECDsaPublicKey()!;
        return key.VerifyData(tbs.Span, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    // The last octet of the URI in the extension: the TBS changes, the signature must no longer verify.
    private static byte[] Flipped(byte[] crl)
    {
        var copy = (byte[])crl.Clone();
        var at = copy.AsSpan().IndexOf("p16-5.crl"u8.ToArray());
        copy[at] ^= 1;
        return copy;
    }
}
