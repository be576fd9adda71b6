using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol;

namespace Estuary.Ca;

/// <summary>
/// Signs a full v2 CRL (RFC 5280 §5) for one issuing CA with its own key. The TBSCertList is written in one pass into
/// one <see cref="AsnWriter"/> sized for all its entries. The BCL's CertificateRevocationListBuilder lets its writer
/// grow 1 KiB at a time, copying the whole buffer each time: 17 s for 100,000 entries where this takes 0.16 s
/// (docs/BENCHMARKS.md, "At a million certificates"). With an issuingDistributionPoint it signs a partition CRL
/// (RFC 5280 §5.2.5) instead: the same fields, a subset of the entries, and that extension, critical.
/// </summary>
public static class CrlSigner
{
    private const string ReasonCode = "2.5.29.21";
    private const string CrlNumber = "2.5.29.20";

    /// <param name="scope">The issuingDistributionPoint of a partition CRL; null for the full CRL.</param>
    public static byte[] Sign(
        CertificateAuthority ca, IEnumerable<CrlEntry> entries, long crlNumber, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, IssuingDistributionPoint? scope = null)
    {
        var generator = ca.SigningKey.CreateSignatureGenerator();
        var hash = SignatureHash.Of(ca.SigningKey);
        var algorithm = generator.GetSignatureAlgorithmIdentifier(hash);
        var tbs = TbsCertList(ca.Certificate, algorithm, entries, crlNumber, thisUpdate, nextUpdate, scope);
        var signature = generator.SignData(tbs, hash);

        // RFC 5280 §5.1: CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }
        var writer = new AsnWriter(AsnEncodingRules.DER, tbs.Length + algorithm.Length + signature.Length + 16);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(tbs);
            writer.WriteEncodedValue(algorithm);
            writer.WriteBitString(signature);
        }

        return writer.Encode();
    }

    private static byte[] TbsCertList(
        X509Certificate2 issuer, byte[] algorithm, IEnumerable<CrlEntry> entries, long crlNumber, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, IssuingDistributionPoint? scope)
    {
        // AsnWriter grows its buffer by 1 KiB at a time, copying it each time: written into an undersized writer a
        // 100,000-entry CRL (4.6 MB) is thousands of copies of megabytes. Sized up front it is one pass. An entry is
        // at most 2 + 23 (serial) + 17 (time) + 15 (reason) bytes.
        var list = entries;
        if (!list.TryGetNonEnumeratedCount(out var count))
        {
            var materialized = entries.ToList();
            (list, count) = (materialized, materialized.Count);
        }

        var writer = new AsnWriter(AsnEncodingRules.DER, 2048 + (count * 64));
        using (writer.PushSequence())
        {
            writer.WriteInteger(1); // v2 (RFC 5280 §5.1.2.1: extensions are present)
            writer.WriteEncodedValue(algorithm);
            writer.WriteEncodedValue(issuer.SubjectName.RawData);
            WriteTime(writer, thisUpdate);
            WriteTime(writer, nextUpdate);

            // RFC 5280 §5.1.2.6: absent, not empty, when nothing is revoked.
            var any = false;
            Span<byte> reason = stackalloc byte[3];
            foreach (var entry in list)
            {
                if (!any)
                {
                    writer.PushSequence();
                    any = true;
                }

                using (writer.PushSequence())
                {
                    writer.WriteInteger(entry.Serial);
                    WriteTime(writer, entry.RevokedAt);

                    // RFC 5280 §5.3.1: the reasonCode extension is absent rather than "unspecified".
                    if (entry.Reason != X509RevocationReason.Unspecified)
                    {
                        using (writer.PushSequence())
                        using (writer.PushSequence())
                        {
                            writer.WriteObjectIdentifier(ReasonCode);
                            reason[0] = 0x0A; // ENUMERATED
                            reason[1] = 1;
                            reason[2] = (byte)entry.Reason;
                            writer.WriteOctetString(reason);
                        }
                    }
                }
            }

            if (any)
            {
                writer.PopSequence();
            }

            // crlExtensions [0] EXPLICIT: the authority key identifier (§5.2.1) and the CRL number (§5.2.3).
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0)))
            using (writer.PushSequence())
            {
                var aki = X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false);
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(aki.Oid!.Value!);
                    writer.WriteOctetString(aki.RawData);
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(CrlNumber);
                    var number = new AsnWriter(AsnEncodingRules.DER);
                    number.WriteInteger(new BigInteger(crlNumber));
                    writer.WriteOctetString(number.Encode());
                }

                if (scope is not null)
                {
                    // RFC 5280 §5.2.5: "this extension MUST be critical", so that a relying party that does not understand
                    // it cannot take a partition for the complete CRL (§6.3.3 (b)(2) matches its scope to the certificate).
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(Protocol.Asn1.Oids.IssuingDistributionPoint);
                        writer.WriteBoolean(true);
                        writer.WriteOctetString(scope.Encode());
                    }
                }
            }
        }

        return writer.Encode();
    }

    /// <summary>RFC 5280 §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050; seconds, no fractions, UTC.</summary>
    private static void WriteTime(AsnWriter writer, DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        utc = new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        if (utc.Year < 2050)
        {
            writer.WriteUtcTime(utc);
        }
        else
        {
            writer.WriteGeneralizedTime(utc, omitFractionalSeconds: true);
        }
    }
}
