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

    /// <summary>
    /// A PKIData (RFC 5272 §3.2) signed by a self-signed certificate that travels in the SignedData, whose EC
    /// public key point was then moved off its curve (the certificate's own signature no longer matters: the
    /// server must refuse the certificate before it gets that far).
    /// </summary>
    public static byte[] FullCmcWithOffCurveSigner()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=off-curve signer", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        using var requestKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=off-curve", requestKey, HashAlgorithmName.SHA256).CreateSigningRequest();
        var cms = CmcSignedData.Sign(CmcOids.PkiData, CmcPkiData.Encode([], [(1, csr)]), key, certificate, []);

        var q = key.ExportParameters(false).Q;
        byte[] point = [0x04, .. q.X!, .. q.Y!];
        var offCurve = (byte[])point.Clone();
        for (var i = 0; IsOnCurve(offCurve); i++)
        {
            offCurve = (byte[])point.Clone();
            offCurve[^(1 + (i / 8))] ^= (byte)(1 << (i % 8));
        }

        var at = cms.AsSpan().IndexOf(point);
        if (at < 0 || cms.AsSpan(at + 1).IndexOf(point) >= 0)
        {
            throw new InvalidOperationException("the signer's point is not in the CMS exactly once");
        }

        offCurve.CopyTo(cms, at);
        return cms;
    }

    private static bool IsOnCurve(byte[] point)
    {
        try
        {
            using var probe = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
