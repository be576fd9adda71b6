using System.Formats.Asn1;

namespace Estuary.Protocol.Cmc;

/// <summary>
/// Encodes a PKIData (RFC 5272 §3.2.1): SEQUENCE { controlSequence, reqSequence, cmsSequence,
/// otherMsgSequence }, with PKCS#10 requests as TaggedCertificationRequest (tcr [0], IMPLICIT).
/// </summary>
public static class CmcPkiData
{
    public static byte[] Encode(IReadOnlyList<CmcControl> controls, IReadOnlyList<(long BodyPartId, byte[] CsrDer)> requests)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            WriteControls(writer, controls);
            using (writer.PushSequence())
            {
                foreach (var (bodyPartId, csr) in requests)
                {
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
                    {
                        writer.WriteInteger(bodyPartId);
                        writer.WriteEncodedValue(csr);
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

    /// <summary>controlSequence: one TaggedAttribute per control (RFC 5272 §3.2.1.2).</summary>
    public static void WriteControls(AsnWriter writer, IEnumerable<CmcControl> controls)
    {
        using (writer.PushSequence())
        {
            foreach (var control in controls)
            {
                using (writer.PushSequence())
                {
                    writer.WriteInteger(control.BodyPartId);
                    writer.WriteObjectIdentifier(control.Type);
                    using (writer.PushSetOf())
                    {
                        foreach (var value in control.Values)
                        {
                            writer.WriteEncodedValue(value.Span);
                        }
                    }
                }
            }
        }
    }

    /// <summary>A control whose one value is an INTEGER (transactionId, RFC 5272 §6.6).</summary>
    public static CmcControl IntegerControl(long bodyPartId, string type, long value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteInteger(value);
        return new CmcControl(bodyPartId, type, [writer.Encode()]);
    }

    /// <summary>A control whose one value is an OCTET STRING (senderNonce, recipientNonce, RFC 5272 §6.6).</summary>
    public static CmcControl OctetStringControl(long bodyPartId, string type, ReadOnlySpan<byte> value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(value);
        return new CmcControl(bodyPartId, type, [writer.Encode()]);
    }

    /// <summary>The OCTET STRING of a one-valued control, or null when it is not one.</summary>
    public static byte[]? ReadOctetString(CmcControl control)
    {
        try
        {
            var reader = new AsnReader(control.Value, AsnEncodingRules.BER);
            var value = reader.ReadOctetString();
            return reader.HasData ? null : value;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }
}
