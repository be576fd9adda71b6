using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>
/// The RA's own signing certificate, for CMC responses (RFC 5272 §3.2.2: a PKIResponse is signed; RFC
/// 6402 §2.10 gives the RA the id-kp-cmcRA key purpose). Issued by the issuing CA on first run and kept
/// in the data folder beside the other keys, the key encrypted the same way; reissued 30 days before expiry.
/// </summary>
public static class RaSigningIdentity
{
    public const string CertificateFile = "ra-signing.pem";
    public const string KeyFile = "ra-signing.key.pem";

    /// <summary>id-kp-cmcRA (RFC 6402 §2.10).</summary>
    public const string CmcRaKeyPurpose = "1.3.6.1.5.5.7.3.28";

    private static readonly PbeParameters KeyEncryption = new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000);

    /// <summary>Loads the RA signing certificate with its key, issuing a new one when absent, stale or from another CA.</summary>
    public static X509Certificate2 LoadOrCreate(string dataDirectory, string passphrase, CertificateAuthority issuing, TimeProvider time)
    {
        var certPath = Path.Combine(dataDirectory, CertificateFile);
        var keyPath = Path.Combine(dataDirectory, KeyFile);
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromEncryptedPemFile(certPath, passphrase, keyPath);
            var fresh = existing.NotAfter.ToUniversalTime() > time.GetUtcNow().AddDays(30).UtcDateTime;
            if (fresh && issuing.IssuedThis(existing))
            {
                return existing;
            }

            existing.Dispose();
        }

        var now = time.GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=Estuary RA, O=Estuary"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(CmcRaKeyPurpose)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuing.Certificate, true, false));
        var notAfter = now.AddDays(397) < issuing.Certificate.NotAfter ? now.AddDays(397) : new DateTimeOffset(issuing.Certificate.NotAfter.ToUniversalTime());
        using var certificate = request.Create(issuing.Certificate.SubjectName, issuing.SigningKey.CreateSignatureGenerator(), now.AddMinutes(-5), notAfter, SerialNumber.Next());
        SecureFile.WriteAllText(keyPath, key.ExportEncryptedPkcs8PrivateKeyPem(passphrase, KeyEncryption) + "\n");
        SecureFile.WriteAllText(certPath, certificate.ExportCertificatePem() + "\n");
        return X509Certificate2.CreateFromEncryptedPemFile(certPath, passphrase, keyPath);
    }
}
