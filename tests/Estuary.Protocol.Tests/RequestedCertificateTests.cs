using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using Estuary.Protocol.Asn1;
using Estuary.Protocol.Cmc;
using Estuary.Testing;
using Xunit;

namespace Estuary.Protocol.Tests;

/// <summary>The CSR decoded once into trusted types: subject values of every string type, syntax-checked SANs.</summary>
public sealed class RequestedCertificateTests
{
    private static RequestedCertificate Decode(byte[] subject, byte[]? subjectAltName = null)
    {
        using var key = TestCsr.NewP256();
        return RequestedCertificate.Decode(CertificationRequest.Decode(HandmadeCsr.Create(subject, key, subjectAltName)));
    }

    public static TheoryData<UniversalTagNumber, byte[], string> StringTypes => new()
    {
        { UniversalTagNumber.UTF8String, Encoding.UTF8.GetBytes("caméra-7"), "caméra-7" },
        { UniversalTagNumber.PrintableString, Encoding.ASCII.GetBytes("camera 7"), "camera 7" },
        { UniversalTagNumber.IA5String, Encoding.ASCII.GetBytes("cam@7"), "cam@7" },
        { UniversalTagNumber.TeletexString, Encoding.Latin1.GetBytes("caméra-7"), "caméra-7" },
        { UniversalTagNumber.BMPString, Encoding.BigEndianUnicode.GetBytes("caméra-7"), "caméra-7" },
        { UniversalTagNumber.UniversalString, new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetBytes("caméra-🎥"), "caméra-🎥" },
        { UniversalTagNumber.NumericString, Encoding.ASCII.GetBytes("0042 7"), "0042 7" },
        { UniversalTagNumber.VisibleString, Encoding.ASCII.GetBytes("camera~7"), "camera~7" },
    };

    [Theory]
    [MemberData(nameof(StringTypes))]
    public void Every_DirectoryString_type_decodes_and_the_subject_stays_byte_exact(UniversalTagNumber type, byte[] contents, string expected)
    {
        var subject = HandmadeCsr.CommonName(type, contents);

        var requested = Decode(subject);

        var cn = Assert.Single(requested.SubjectAttributes);
        Assert.Equal(Oids.CommonName, cn.Oid);
        Assert.Equal(expected, cn.Value);
        Assert.Equal(type, cn.Tag);
        Assert.Equal(subject, requested.Subject.ToArray());
        Assert.Equal([expected], requested.CommonNames);
    }

    [Fact]
    public void A_TeletexString_challengePassword_is_read_as_Latin1_too()
    {
        Assert.Equal("pässword", CertificationRequest.ReadDirectoryString(HandmadeCsr.Tlv((byte)UniversalTagNumber.TeletexString, Encoding.Latin1.GetBytes("pässword"))));
    }

    [Theory]
    [InlineData((byte)UniversalTagNumber.UTF8String, new byte[] { 0xC3, 0x28 })]
    [InlineData((byte)UniversalTagNumber.PrintableString, new byte[] { (byte)'a', (byte)'@' })]
    [InlineData((byte)UniversalTagNumber.BMPString, new byte[] { 0xD8, 0x00 })]
    [InlineData((byte)UniversalTagNumber.UniversalString, new byte[] { 0x00, 0x11, 0x00, 0x00 })]
    [InlineData((byte)UniversalTagNumber.UniversalString, new byte[] { 0x00, 0x00, 0x41 })]
    [InlineData((byte)UniversalTagNumber.NumericString, new byte[] { (byte)'x' })]
    [InlineData((byte)UniversalTagNumber.GeneralString, new byte[] { (byte)'x' })]
    [InlineData((byte)UniversalTagNumber.Integer, new byte[] { 0x01 })]
    [InlineData((byte)UniversalTagNumber.OctetString, new byte[] { 0x01 })]
    [InlineData((byte)0x80, new byte[] { 0x01 })]
    public void An_undecodable_or_unknown_value_is_a_protocol_error_naming_the_attribute(byte tag, byte[] contents)
    {
        var e = Assert.Throws<EstProtocolException>(() => Decode(HandmadeCsr.Name((Oids.CommonName, HandmadeCsr.Tlv(tag, contents)))));

        Assert.StartsWith("subject attribute CN:", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cam\nINFO forged log line")]
    [InlineData("cam\r")]
    [InlineData("cam\0")]
    [InlineData("cam\u007f")]
    [InlineData("cam\u0085")]
    [InlineData("cam\u2028")]
    public void A_control_character_in_a_subject_value_is_refused_naming_the_attribute(string cn)
    {
        var e = Assert.Throws<EstProtocolException>(() => Decode(HandmadeCsr.Name(
            ("2.5.4.10", HandmadeCsr.Tlv((byte)UniversalTagNumber.UTF8String, "Acme"u8)),
            (Oids.CommonName, HandmadeCsr.Tlv((byte)UniversalTagNumber.UTF8String, Encoding.UTF8.GetBytes(cn))))));

        Assert.Contains("subject attribute CN holds a control character", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void An_empty_RDN_is_refused()
    {
        Assert.Throws<EstProtocolException>(() => Decode([0x30, 0x02, 0x31, 0x00]));
    }

    [Theory]
    [InlineData(2, "a\0.cameras.example", "control character")]
    [InlineData(2, "a b.cameras.example", "space")]
    [InlineData(2, "a*.cameras.example", "'*'")]
    [InlineData(2, "host.example.", "trailing root dot")]
    [InlineData(1, "a@b@cameras.example", "exactly one '@'")]
    [InlineData(6, "/relative", "absolute URI")]
    [InlineData(6, "https://x.example/a b", "space")]
    public void A_subjectAltName_of_bad_syntax_is_a_protocol_error(int tag, string value, string reason)
    {
        var e = Assert.Throws<EstProtocolException>(() => Decode(HandmadeCsr.CommonName(UniversalTagNumber.UTF8String, "x"u8.ToArray()), HandmadeCsr.SubjectAltName(tag, Encoding.ASCII.GetBytes(value))));

        Assert.StartsWith("subjectAltName: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_IDN_in_U_label_form_is_refused_with_a_pointer_to_A_labels()
    {
        var e = Assert.Throws<EstProtocolException>(() => Decode(HandmadeCsr.CommonName(UniversalTagNumber.UTF8String, "x"u8.ToArray()), HandmadeCsr.SubjectAltName(2, Encoding.UTF8.GetBytes("bücher.example"))));

        Assert.Contains("A-label", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_iPAddress_of_neither_4_nor_16_octets_is_refused()
    {
        Assert.Throws<EstProtocolException>(() => Decode(HandmadeCsr.CommonName(UniversalTagNumber.UTF8String, "x"u8.ToArray()), HandmadeCsr.SubjectAltName(7, [10, 0, 0, 1, 0])));
    }

    [Fact]
    public void Good_names_decode_typed_with_a_wildcard_marked_for_policy_to_decide()
    {
        using var key = TestCsr.NewP256();
        var csr = CertificationRequest.Decode(TestCsr.Create("CN=cam-7", key, "dns:cam-7.cameras.example", "dns:*.cameras.example", "ip:10.0.0.7", "email:cam@cameras.example", "uri:urn:dev:cam-7"));

        var requested = RequestedCertificate.Decode(csr);

        Assert.Equal(["DNS:cam-7.cameras.example", "DNS:*.cameras.example", "IP:10.0.0.7", "email:cam@cameras.example", "URI:urn:dev:cam-7"], requested.SubjectAltNames.Select(n => n.ToString()));
        Assert.Equal([false, true, false, false, false], requested.SubjectAltNames.Select(n => n.IsWildcardDns));
        Assert.Equal(csr.FindExtension(Oids.SubjectAltName)!.Value.ToArray(), requested.SubjectAltName!.Value.ToArray());
    }

    [Fact]
    public void A_CMC_request_whose_signer_certificate_has_an_off_curve_point_is_a_protocol_error()
    {
        var e = Assert.Throws<EstProtocolException>(() => CmcRequest.Decode(HostileCmc.FullCmcWithOffCurveSigner()));

        Assert.Contains("public key that cannot be read", e.Message, StringComparison.Ordinal);
    }
}
