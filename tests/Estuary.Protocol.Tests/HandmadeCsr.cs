using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;
using Estuary.Protocol.Cmc;

namespace Estuary.Protocol.Tests;

/// <summary>CSRs and CMC requests with hand-written DER (System.Formats.Asn1), for the values the BCL builders refuse to write.</summary>
internal static class HandmadeCsr
{
    /// <summary>One primitive TLV with a one-byte tag; the contents are written as given, whatever the tag's rules.</summary>
    public static byte[] Tlv(byte tag, ReadOnlySpan<byte> contents)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(contents);
        var octets = writer.Encode();
        octets[0] = tag;
        return octets;
    }

    /// <summary>A Name of one RDN per attribute: (type OID, encoded value).</summary>
    public static byte[] Name(params (string Oid, byte[] Value)[] attributes)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var (oid, value) in attributes)
            {
                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(oid);
                    writer.WriteEncodedValue(value);
                }
            }
        }

        return writer.Encode();
    }

    /// <summary>A CN written in the given universal string type with these content octets.</summary>
    public static byte[] CommonName(UniversalTagNumber type, byte[] contents) => Name((Oids.CommonName, Tlv((byte)type, contents)));

    /// <summary>GeneralNames holding one name: context tag [tag] and raw IA5 content octets.</summary>
    public static byte[] SubjectAltName(int tag, byte[] contents)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteOctetString(contents, new Asn1Tag(TagClass.ContextSpecific, tag));
        }

        return writer.Encode();
    }

    /// <summary>A signed PKCS#10 with this subject DER and, optionally, this subjectAltName extension value.</summary>
    public static byte[] Create(byte[] subject, ECDsa key, byte[]? subjectAltName = null)
    {
        var request = new CertificateRequest(new X500DistinguishedName(subject), key, HashAlgorithmName.SHA256);
        if (subjectAltName is not null)
        {
            request.CertificateExtensions.Add(new X509Extension(Oids.SubjectAltName, subjectAltName, false));
        }

        return request.CreateSigningRequest();
    }
}
