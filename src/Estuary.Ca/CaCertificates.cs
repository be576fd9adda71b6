using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>
/// CA certificates (RFC 5280 §4.2.1.9 basicConstraints cA, §4.2.1.3 keyCertSign and cRLSign) signed through
/// any <see cref="CaSigningKey"/>: a key in memory or in an HSM, the signer never sees anything but the TBS.
/// </summary>
public static class CaCertificates
{
    /// <summary>A CA certificate for <paramref name="subjectKey"/>, signed by <paramref name="issuerKey"/> (self-signed when they are one).</summary>
    public static X509Certificate2 Create(
        X500DistinguishedName subject,
        PublicKey subjectKey,
        X500DistinguishedName issuer,
        CaSigningKey issuerKey,
        X509Certificate2? issuerCertificate,
        int? pathLength,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter)
    {
        var generator = issuerKey.CreateSignatureGenerator();
        var request = new CertificateRequest(subject, subjectKey, SignatureHash.Of(issuerKey));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, pathLength.HasValue, pathLength ?? 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(subjectKey, false));
        if (issuerCertificate is not null)
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuerCertificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        }
        else
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(new X509SubjectKeyIdentifierExtension(generator.PublicKey, false)));
        }

        return request.Create(issuer, generator, notBefore, notAfter, SerialNumber.Next());
    }

    /// <summary>The public key of a signing key, from its BCL signature generator.</summary>
    public static PublicKey PublicKeyOf(CaSigningKey key) => key.CreateSignatureGenerator().PublicKey;

    /// <summary>The signing key of a freshly generated in-memory key.</summary>
    public static SoftwareSigningKey Software(AsymmetricAlgorithm key, KeyAlgorithm algorithm) => new(key, algorithm.Hash);
}
