using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace Estuary.Protocol.Crypto;

/// <summary>
/// A certification path whose signatures are ML-DSA (RFC 9881), checked by hand: the BCL's X509Chain goes through
/// OpenSSL, and OpenSSL 3.0 knows no ML-DSA. Enough of RFC 5280 §6 for a client to trust an ML-DSA-signed CMS answer
/// (RFC 9882): each link's signature verified with its issuer's key (pure ML-DSA, parameters absent), names chained,
/// every certificate valid now, every issuer a CA (basicConstraints cA), ending at a trust anchor. Not checked: name
/// constraints, policies, revocation — the anchors are the label's own roots, fetched over the authenticated TLS.
/// </summary>
public static class MlDsaCertificatePath
{
    private const int MaxDepth = 8;

    /// <summary>Null when <paramref name="certificate"/> chains to one of <paramref name="anchors"/>, else why not.</summary>
    /// <param name="certificate">DER of the certificate to validate (e.g. the signer of a PKIResponse).</param>
    /// <param name="intermediates">DER of certificates that may be on the path (those the SignedData carries).</param>
    /// <param name="anchors">DER of the trust anchors.</param>
    public static string? Validate(byte[] certificate, IEnumerable<byte[]> intermediates, IEnumerable<byte[]> anchors, DateTimeOffset now)
    {
        try
        {
            var anchorList = anchors.Select(X509CertificateStructure.GetInstance).ToList();
            var pool = anchorList.Concat(intermediates.Select(X509CertificateStructure.GetInstance)).ToList();
            var current = X509CertificateStructure.GetInstance(certificate);
            for (var depth = 0; depth < MaxDepth; depth++)
            {
                if (!ValidNow(current, now))
                {
                    return $"{current.Subject} is not valid now ({current.StartDate.ToDateTime():u} to {current.EndDate.ToDateTime():u})";
                }

                if (anchorList.Any(a => a.Equals(current)))
                {
                    return null;
                }

                var issuer = pool.FirstOrDefault(c => !c.Equals(current) && c.Subject.Equivalent(current.Issuer) && IsCa(c) && SignedBy(current, c));
                if (issuer is null)
                {
                    return $"no trust anchor or carried CA certificate named {current.Issuer} verifies the ML-DSA signature of {current.Subject}";
                }

                current = issuer;
            }

            return $"the path is longer than {MaxDepth} certificates";
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException or InvalidOperationException)
        {
            return "a certificate on the path cannot be read: " + e.Message;
        }
    }

    /// <summary>True when <paramref name="certificate"/>'s signature is ML-DSA (parameters absent) and verifies with <paramref name="issuer"/>'s key.</summary>
    private static bool SignedBy(X509CertificateStructure certificate, X509CertificateStructure issuer)
    {
        var algorithm = certificate.SignatureAlgorithm;
        return MlDsa.IsMlDsa(algorithm.Algorithm.Id)
            && algorithm.Parameters is null
            && MlDsa.Verify(algorithm.Algorithm.Id, issuer.SubjectPublicKeyInfo.GetEncoded(Asn1Encodable.Der), certificate.TbsCertificate.GetEncoded(Asn1Encodable.Der), certificate.Signature.GetOctets());
    }

    private static bool ValidNow(X509CertificateStructure certificate, DateTimeOffset now) =>
        now.UtcDateTime >= certificate.StartDate.ToDateTime() && now.UtcDateTime <= certificate.EndDate.ToDateTime();

    /// <summary>RFC 5280 §4.2.1.9: only a CA certificate (basicConstraints cA = TRUE) signs certificates.</summary>
    private static bool IsCa(X509CertificateStructure certificate) =>
        certificate.TbsCertificate.Extensions?.GetExtension(X509Extensions.BasicConstraints) is { } extension
        && BasicConstraints.GetInstance(extension.GetParsedValue()).IsCA();
}
