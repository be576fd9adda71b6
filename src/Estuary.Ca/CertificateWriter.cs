using System.Formats.Asn1;
using System.Security.Cryptography;
using Estuary.Protocol.Asn1;

namespace Estuary.Ca;

/// <summary>
/// Writes and signs an X.509 v3 certificate (RFC 5280 §4.1) in one pass with AsnWriter: no
/// intermediate certificate objects, no re-parsing of what was just signed.
/// </summary>
public static class CertificateWriter
{
    private static readonly byte[] BasicConstraintsEndEntity = [0x30, 0x00]; // SEQUENCE {} = cA FALSE

    public static byte[] Write(
        IssuanceInstructions instructions,
        ReadOnlySpan<byte> serial,
        ReadOnlySpan<byte> issuerName,
        ReadOnlySpan<byte> issuerKeyIdentifier,
        CaSigningKey signer)
    {
        var tbs = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 1024);
        using (tbs.PushSequence())
        {
            using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                tbs.WriteInteger(2); // v3
            }

            tbs.WriteIntegerUnsigned(serial);
            tbs.WriteEncodedValue(signer.SignatureAlgorithm.Span);
            tbs.WriteEncodedValue(issuerName);
            using (tbs.PushSequence())
            {
                WriteTime(tbs, instructions.NotBefore);
                WriteTime(tbs, instructions.NotAfter);
            }

            tbs.WriteEncodedValue(instructions.Subject.Span);
            tbs.WriteEncodedValue(instructions.SubjectPublicKeyInfo.Span);
            using (tbs.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true)))
            using (tbs.PushSequence())
            {
                // RFC 5280 §4.2.1.9: basicConstraints in every certificate we issue, cA FALSE for end entities.
                WriteExtension(tbs, Oids.BasicConstraints, true, BasicConstraintsEndEntity);
                WriteExtension(tbs, Oids.SubjectKeyIdentifier, false, KeyIdentifierExtension(instructions.SubjectPublicKeyInfo.Span));
                WriteExtension(tbs, Oids.AuthorityKeyIdentifier, false, AuthorityKeyIdentifierExtension(issuerKeyIdentifier));
                foreach (var e in instructions.Extensions)
                {
                    WriteExtension(tbs, e.Oid, e.Critical, e.Value.Span);
                }
            }
        }

        var tbsBytes = tbs.Encode();
        var signature = signer.Sign(tbsBytes);
        var certificate = new AsnWriter(AsnEncodingRules.DER, initialCapacity: tbsBytes.Length + signature.Length + 32);
        using (certificate.PushSequence())
        {
            certificate.WriteEncodedValue(tbsBytes);
            certificate.WriteEncodedValue(signer.SignatureAlgorithm.Span);
            certificate.WriteBitString(signature);
        }

        return certificate.Encode();
    }

    /// <summary>RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds.</summary>
    private static void WriteTime(AsnWriter writer, DateTimeOffset time)
    {
        var t = new DateTimeOffset(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        if (t.Year < 2050)
        {
            writer.WriteUtcTime(t);
        }
        else
        {
            writer.WriteGeneralizedTime(t, omitFractionalSeconds: true);
        }
    }

    private static void WriteExtension(AsnWriter writer, string oid, bool critical, ReadOnlySpan<byte> value)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (critical)
            {
                writer.WriteBoolean(true); // DEFAULT FALSE is omitted in DER
            }

            writer.WriteOctetString(value);
        }
    }

    /// <summary>The key identifier of RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value.</summary>
    public static byte[] KeyIdentifier(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        var reader = new AsnReader(subjectPublicKeyInfo.ToArray(), AsnEncodingRules.DER).ReadSequence();
        reader.ReadEncodedValue();
        var key = reader.ReadBitString(out _);
#pragma warning disable CA5350 // SHA-1 here is an identifier named by RFC 5280, not a security function.
        return SHA1.HashData(key);
#pragma warning restore CA5350
    }

    private static byte[] KeyIdentifierExtension(ReadOnlySpan<byte> spki)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(KeyIdentifier(spki));
        return writer.Encode();
    }

    private static byte[] AuthorityKeyIdentifierExtension(ReadOnlySpan<byte> keyIdentifier)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteOctetString(keyIdentifier, new Asn1Tag(TagClass.ContextSpecific, 0));
        }

        return writer.Encode();
    }
}
