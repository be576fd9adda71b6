using Estuary.Protocol.Asn1;
using Xunit;

namespace Estuary.Protocol.Tests;

public sealed class CsrAttributesTests
{
    [Fact]
    public void Decode_reads_the_four_OIDs_of_the_libest_response()
    {
        var attributes = CsrAttributes.Decode(EstBase64.Decode(Vectors.Read("libest-server/stock/csrattrs.b64")));

        Assert.Equal(["1.3.6.1.1.1.1.22", "1.2.840.113549.1.9.1", "1.3.132.0.34", "2.16.840.1.101.3.4.2.2"], attributes.Items.Select(i => i.Oid));
        Assert.All(attributes.Items, i => Assert.Null(i.Values));
    }

    [Fact]
    public void Encode_then_decode_keeps_OIDs_and_attributes()
    {
        var original = new CsrAttributes([
            CsrAttribute.WithOid(Oids.EcPublicKey, Oids.Secp384r1),
            CsrAttribute.OidOnly(Oids.EcdsaWithSha384),
            CsrAttribute.WithInteger(Oids.RsaEncryption, 3072),
        ]);

        var decoded = CsrAttributes.Decode(original.Encode());

        Assert.Equal(3, decoded.Items.Count);
        Assert.Equal(Oids.EcPublicKey, decoded.Items[0].Oid);
        Assert.Equal(original.Items[0].Values![0].ToArray(), decoded.Items[0].Values![0].ToArray());
        Assert.Null(decoded.Items[1].Values);
        Assert.Equal(original.Items[2].Values![0].ToArray(), decoded.Items[2].Values![0].ToArray());
    }

    [Fact]
    public void Decode_refuses_trailing_data()
    {
        var der = new CsrAttributes([CsrAttribute.OidOnly(Oids.ChallengePassword)]).Encode();
        Assert.Throws<EstProtocolException>(() => CsrAttributes.Decode(der.Append((byte)0).ToArray()));
    }
}
