using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Security;

namespace Estuary.Protocol.Cmc;

/// <summary>
/// A Full PKI Response (RFC 5272 §3.2.2): PKIResponse ::= SEQUENCE { controlSequence, cmsSequence,
/// otherMsgSequence }, with one CMCStatusInfoV2 per answered request, the issued certificates in the
/// SignedData's certificates, signed by the RA.
/// </summary>
public static class CmcResponse
{
    /// <summary>Encodes and signs; <paramref name="signer"/> must hold its private key (ECDSA or RSA).</summary>
    public static byte[] Encode(IReadOnlyList<CmcStatusInfo> statuses, IEnumerable<ReadOnlyMemory<byte>> certificates, X509Certificate2 signer)
    {
        var content = EncodePkiResponse(statuses);
        var generator = new CmsSignedDataGenerator();
        var (key, algorithm) = SigningKey(signer);
        var bcSigner = new Org.BouncyCastle.X509.X509Certificate(signer.RawData);
        generator.AddSignerInfoGenerator(new SignerInfoGeneratorBuilder().Build(new Asn1SignatureFactory(algorithm, key), bcSigner));
        foreach (var certificate in certificates)
        {
            generator.AddCertificate(new Org.BouncyCastle.X509.X509Certificate(certificate.ToArray()));
        }

        generator.AddCertificate(bcSigner);
        var signed = generator.Generate(new CmsProcessableByteArray(new Org.BouncyCastle.Asn1.DerObjectIdentifier(CmcOids.PkiResponse), content), encapsulate: true);
        return signed.GetEncoded("DER");
    }

    private static byte[] EncodePkiResponse(IReadOnlyList<CmcStatusInfo> statuses)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                var controlId = 1L;
                foreach (var status in statuses)
                {
                    // TaggedAttribute ::= SEQUENCE { bodyPartID, attrType, attrValues SET OF }
                    using (writer.PushSequence())
                    {
                        writer.WriteInteger(controlId++);
                        writer.WriteObjectIdentifier(CmcOids.StatusInfoV2);
                        using (writer.PushSetOf())
                        {
                            WriteStatusInfoV2(writer, status);
                        }
                    }
                }
            }

            using (writer.PushSequence())
            {
                // cmsSequence: empty
            }

            using (writer.PushSequence())
            {
                // otherMsgSequence: empty
            }
        }

        return writer.Encode();
    }

    /// <summary>CMCStatusInfoV2 ::= SEQUENCE { cMCStatus, bodyList SEQUENCE OF BodyPartReference, statusString UTF8String OPTIONAL, otherInfo OtherStatusInfo OPTIONAL }.</summary>
    private static void WriteStatusInfoV2(AsnWriter writer, CmcStatusInfo status)
    {
        using (writer.PushSequence())
        {
            writer.WriteInteger((long)status.Status);
            using (writer.PushSequence())
            {
                foreach (var id in status.BodyList)
                {
                    writer.WriteInteger(id);
                }
            }

            if (status.StatusString is { } text)
            {
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, text);
            }

            if (status.FailInfo is { } failInfo)
            {
                // OtherStatusInfo ::= CHOICE { failInfo CMCFailInfo, ... }: an untagged INTEGER.
                writer.WriteInteger((long)failInfo);
            }
        }
    }

    private static (Org.BouncyCastle.Crypto.AsymmetricKeyParameter Key, string Algorithm) SigningKey(X509Certificate2 signer)
    {
        using var ec = signer.GetECDsaPrivateKey();
        if (ec is not null)
        {
            return (PrivateKeyFactory.CreateKey(ec.ExportPkcs8PrivateKey()), "SHA256WITHECDSA");
        }

        using var rsa = signer.GetRSAPrivateKey() ?? throw new InvalidOperationException("the CMC signing certificate has no ECDSA or RSA private key");
        return (PrivateKeyFactory.CreateKey(rsa.ExportPkcs8PrivateKey()), "SHA256WITHRSA");
    }
}
