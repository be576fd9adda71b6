using System.Formats.Asn1;
using Estuary.Protocol.Asn1;

namespace Estuary.Protocol;

/// <summary>
/// The "certs-only" CMS message of RFC 7030 §4.1.3 and §4.2.3: a SignedData (RFC 5652 §5.1) with no
/// signers and no content, used to carry certificates. Written directly with AsnWriter so that issuance
/// does not re-parse certificates it has just signed.
/// </summary>
public static class CertsOnly
{
    /// <summary>Encodes certificates (DER, in the given order) as a certs-only ContentInfo.</summary>
    public static byte[] Encode(IEnumerable<ReadOnlyMemory<byte>> certificates)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.SignedData);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(1); // CMSVersion v1: no attribute certificates, eContentType id-data
                using (writer.PushSetOf())
                {
                    // digestAlgorithms: empty, there are no signers
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Oids.Data); // encapContentInfo without eContent
                }

                // certificates [0] IMPLICIT CertificateSet. Written as a constructed [0] without DER SET OF
                // sorting so that the order chosen by the caller (issued certificate first, then its chain)
                // reaches clients that read the first certificate as "the" certificate.
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    foreach (var certificate in certificates)
                    {
                        writer.WriteEncodedValue(certificate.Span);
                    }
                }

                using (writer.PushSetOf())
                {
                    // signerInfos: empty
                }
            }
        }

        return writer.Encode();
    }

    /// <summary>Reads the certificates (DER) out of a certs-only (or any) SignedData ContentInfo.</summary>
    /// <exception cref="EstProtocolException">The data is not a CMS SignedData.</exception>
    public static IReadOnlyList<byte[]> Decode(ReadOnlyMemory<byte> contentInfo)
    {
        try
        {
            // BER: other implementations may use indefinite lengths or unsorted sets.
            var reader = new AsnReader(contentInfo, AsnEncodingRules.BER);
            var ci = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var contentType = ci.ReadObjectIdentifier();
            if (contentType != Oids.SignedData)
            {
                throw new EstProtocolException($"expected CMS SignedData, got content type {contentType}");
            }

            var signedData = ci.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            signedData.ReadInteger(); // version
            signedData.ReadSetOf(); // digestAlgorithms
            signedData.ReadSequence(); // encapContentInfo
            var result = new List<byte[]>();
            var certTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(certTag))
            {
                var certs = signedData.ReadSetOf(skipSortOrderValidation: true, certTag);
                while (certs.HasData)
                {
                    var tag = certs.PeekTag();
                    var encoded = certs.ReadEncodedValue();
                    if (tag.HasSameClassAndValue(Asn1Tag.Sequence))
                    {
                        result.Add(encoded.ToArray());
                    }
                }
            }

            return result;
        }
        catch (AsnContentException e)
        {
            throw new EstProtocolException("the body is not a valid CMS SignedData: " + e.Message, e);
        }
    }
}
