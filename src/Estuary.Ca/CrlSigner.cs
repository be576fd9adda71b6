using System.Numerics;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>
/// Signs a full CRL (RFC 5280 §5) for one issuing CA with its own key, through the BCL
/// <see cref="CertificateRevocationListBuilder"/> (which writes the CRL number and AKI extensions).
/// </summary>
public static class CrlSigner
{
    public static byte[] Sign(CertificateAuthority ca, IEnumerable<CrlEntry> entries, long crlNumber, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var entry in entries)
        {
            // RFC 5280 §5.3.1: the reasonCode extension is absent rather than "unspecified".
            builder.AddEntry(entry.Serial, entry.RevokedAt, entry.Reason == X509RevocationReason.Unspecified ? null : entry.Reason);
        }

        return builder.Build(
            ca.Certificate.SubjectName,
            ca.SigningKey.CreateSignatureGenerator(),
            new BigInteger(crlNumber),
            nextUpdate,
            SignatureHash.Of(ca.SigningKey),
            X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca.Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false),
            thisUpdate);
    }
}
