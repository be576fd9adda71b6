using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Protocol.Cmc;

/// <summary>
/// A Full PKI Response (RFC 5272 §3.2.2): PKIResponse ::= SEQUENCE { controlSequence, cmsSequence,
/// otherMsgSequence }, with one CMCStatusInfoV2 per answered request, the issued certificates in the
/// SignedData's certificates, signed by the RA.
/// </summary>
public static class CmcResponse
{
    /// <summary>Encodes and signs; <paramref name="signer"/> must hold its private key (ECDSA or RSA).</summary>
    /// <param name="controls">Controls answered besides the statuses (transactionId, nonces, RFC 5272 §6.6); their bodyPartIDs must not collide with 1..statuses.Count.</param>
    public static byte[] Encode(IReadOnlyList<CmcStatusInfo> statuses, IEnumerable<ReadOnlyMemory<byte>> certificates, X509Certificate2 signer, IReadOnlyList<CmcControl>? controls = null)
    {
        var content = EncodePkiResponse(statuses, controls ?? []);
        using var key = (AsymmetricAlgorithm?)signer.GetECDsaPrivateKey() ?? signer.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("the CMC signing certificate has no ECDSA or RSA private key");
        return CmcSignedData.Sign(CmcOids.PkiResponse, content, key, signer, certificates);
    }

    /// <summary>
    /// Encodes and signs with ML-DSA as RFC 9882 profiles it (<see cref="Crypto.MlDsaSignedDataWriter"/>): the PKIResponse
    /// of a label whose hierarchy is ML-DSA, signed by <paramref name="signerCertificate"/>'s key <paramref name="key"/>.
    /// </summary>
    public static byte[] Encode(IReadOnlyList<CmcStatusInfo> statuses, IEnumerable<ReadOnlyMemory<byte>> certificates, Crypto.MlDsaPrivateKey key, byte[] signerCertificate, DateTimeOffset signingTime, IReadOnlyList<CmcControl>? controls = null)
    {
        var content = EncodePkiResponse(statuses, controls ?? []);
        var others = certificates.Where(c => !c.Span.SequenceEqual(signerCertificate));
        return Crypto.MlDsaSignedDataWriter.Sign(CmcOids.PkiResponse, content, key, signerCertificate, others, signingTime);
    }

    private static byte[] EncodePkiResponse(IReadOnlyList<CmcStatusInfo> statuses, IReadOnlyList<CmcControl> controls)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            var all = new List<CmcControl>();
            var controlId = 1L;
            foreach (var status in statuses)
            {
                // TaggedAttribute ::= SEQUENCE { bodyPartID, attrType, attrValues SET OF }
                var value = new AsnWriter(AsnEncodingRules.DER);
                WriteStatusInfoV2(value, status);
                all.Add(new CmcControl(controlId++, CmcOids.StatusInfoV2, [value.Encode()]));
            }

            all.AddRange(controls);
            CmcPkiData.WriteControls(writer, all);

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
}
