using System.Formats.Asn1;
using Estuary.Client;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Xunit;

namespace Estuary.Client.Tests;

public sealed class CsrAttributesInfoTests
{
    [Fact]
    public void The_RFC_9908_key_attribute_names_the_curve_and_the_signature_algorithm()
    {
        var der = new CsrAttributes([CsrAttribute.WithOid(Oids.EcPublicKey, Oids.Secp384r1), CsrAttribute.OidOnly(Oids.EcdsaWithSha384)]).Encode();

        var info = CsrAttributesInfo.Decode(der);

        Assert.Equal("EC", info.KeyAlgorithm);
        Assert.Equal("P-384", info.Curve);
        Assert.Equal(Oids.EcdsaWithSha384, info.SignatureAlgorithm);
        Assert.Equal("SHA-384", info.Hash);
    }

    [Fact]
    public void An_RSA_key_attribute_carries_the_modulus_size()
    {
        var der = new CsrAttributes([CsrAttribute.WithInteger(Oids.RsaEncryption, 3072), CsrAttribute.OidOnly(Oids.Sha256WithRsa)]).Encode();

        var info = CsrAttributesInfo.Decode(der);

        Assert.Equal("RSA", info.KeyAlgorithm);
        Assert.Equal(3072, info.RsaKeySize);
        Assert.Equal(new KeySpec("RSA", 3072), KeySpec.FromCsrAttributes(info));
    }

    [Fact]
    public void An_extensionRequest_attribute_lists_the_wanted_extensions_and_challengePassword_is_noticed()
    {
        var extensions = new AsnWriter(AsnEncodingRules.DER);
        using (extensions.PushSequence())
        {
            using (extensions.PushSequence())
            {
                extensions.WriteObjectIdentifier(Oids.SubjectAltName);
                extensions.WriteOctetString([0x30, 0x00]);
            }
        }

        var der = new CsrAttributes([new CsrAttribute(Oids.ExtensionRequest, [extensions.Encode()]), CsrAttribute.OidOnly(Oids.ChallengePassword)]).Encode();

        var info = CsrAttributesInfo.Decode(der);

        Assert.Equal([Oids.SubjectAltName], info.ExtensionRequest);
        Assert.True(info.WantsChallengePassword);
    }

    [Fact]
    public void An_RFC_9908_template_gives_the_subject_types_the_key_and_the_extensions()
    {
        var template = new AsnWriter(AsnEncodingRules.DER);
        using (template.PushSequence())
        {
            template.WriteInteger(0);
            using (template.PushSequence())
            {
                using (template.PushSetOf())
                using (template.PushSequence())
                {
                    template.WriteObjectIdentifier(Oids.CommonName); // value left for the client to fill
                }

                using (template.PushSetOf())
                using (template.PushSequence())
                {
                    template.WriteObjectIdentifier("2.5.4.10");
                    template.WriteCharacterString(UniversalTagNumber.UTF8String, "Example");
                }
            }

            using (template.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (template.PushSequence())
            {
                template.WriteObjectIdentifier(Oids.EcPublicKey);
                template.WriteObjectIdentifier(Oids.Secp256r1);
            }

            using (template.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
            using (template.PushSequence())
            {
                template.WriteObjectIdentifier(CsrAttributesInfo.ExtensionRequestTemplateOid);
                using (template.PushSetOf())
                using (template.PushSequence())
                using (template.PushSequence())
                {
                    template.WriteObjectIdentifier(Oids.SubjectAltName);
                }
            }
        }

        var der = new CsrAttributes([new CsrAttribute(CsrAttributesInfo.CertificationRequestInfoTemplateOid, [template.Encode()])]).Encode();

        var info = CsrAttributesInfo.Decode(der);

        Assert.True(info.HasTemplate);
        Assert.Equal("EC", info.KeyAlgorithm);
        Assert.Equal("P-256", info.Curve);
        Assert.Equal([Oids.SubjectAltName], info.ExtensionRequest);
        Assert.Equal([new KeyValuePair<string, string?>(Oids.CommonName, null), new KeyValuePair<string, string?>("2.5.4.10", "Example")], info.TemplateSubject);
    }

    [Fact]
    public void Garbage_is_a_protocol_error()
    {
        Assert.Throws<EstProtocolException>(() => CsrAttributesInfo.Decode(new byte[] { 0x04, 0x01, 0x00 }));
    }
}
