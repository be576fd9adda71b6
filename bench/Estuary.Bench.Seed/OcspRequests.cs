using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Bench.Seed;

/// <summary>
/// OCSP requests for sampled serials, written as the GET paths of RFC 6960 §A.1 (/ocsp/{url-encoded base64 of the
/// DER OCSPRequest}) for wrk to replay.
/// </summary>
internal static class OcspRequests
{
    private const string Sha1 = "1.3.14.3.2.26";

    /// <summary>
    /// OCSPRequest ::= SEQUENCE { tbsRequest SEQUENCE { requestList SEQUENCE OF Request } }, Request ::= SEQUENCE
    /// { reqCert CertID } and CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }
    /// (RFC 6960 §4.1.1), with SHA-1 hashes as RFC 5019 §2.1.1 has clients send them.
    /// </summary>
#pragma warning disable CA5350 // RFC 5019 §2.1.1: CertID hashes are SHA-1; a hash for lookup, not a signature.
    public static byte[] Create(X509Certificate2 issuer, string serialHex)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Sha1);
                writer.WriteNull();
            }

            writer.WriteOctetString(SHA1.HashData(issuer.SubjectName.RawData));
            writer.WriteOctetString(SHA1.HashData(issuer.PublicKey.EncodedKeyValue.RawData));
            writer.WriteInteger(Convert.FromHexString(serialHex));
        }

        return writer.Encode();
    }
#pragma warning restore CA5350

    public static string GetPath(X509Certificate2 issuer, string serialHex) =>
        "/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(Create(issuer, serialHex)));
}
