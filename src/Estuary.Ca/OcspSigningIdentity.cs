using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;

namespace Estuary.Ca;

/// <summary>
/// The delegated OCSP responder (RFC 6960 §4.2.2.2): a certificate issued by the issuing CA with
/// id-kp-OCSPSigning and id-pkix-ocsp-nocheck (§4.2.2.2.1, so relying parties do not ask about the
/// responder itself), short-lived and reissued by the server; its key is stored encrypted like the CA keys.
/// The CA key (possibly in an HSM) then signs only this certificate, not every response.
/// </summary>
public sealed class OcspSigningIdentity : IDisposable
{
    public const string CertificateFile = "ocsp-signing.pem";
    public const string KeyFile = "ocsp-signing.key.pem";

    /// <summary>id-pkix-ocsp-nocheck, RFC 6960 §4.2.2.2.1.</summary>
    public const string OcspNoCheckOid = "1.3.6.1.5.5.7.48.1.5";

    private OcspSigningIdentity(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        Key = key;
    }

    public X509Certificate2 Certificate { get; }

    public ECDsa Key { get; }

    /// <summary>True when less than a third of the certificate's validity remains, or it is not from this issuer.</summary>
    public bool IsDue(CertificateAuthority issuing, DateTimeOffset now)
    {
        var notBefore = new DateTimeOffset(Certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        var sameIssuer = Certificate.IssuerName.RawData.AsSpan().SequenceEqual(issuing.Certificate.SubjectName.RawData) && issuing.IssuedThis(Certificate);
        return !sameIssuer || now >= notAfter - ((notAfter - notBefore) / 3);
    }

    /// <summary>Loads the responder of the data folder, issuing a new one when there is none or it is due.</summary>
    public static OcspSigningIdentity LoadOrIssue(CaMaterial material, CertificateAuthority issuing, TimeSpan validity, TimeProvider time) =>
        LoadOrIssue(material, issuing, material.DataDirectory, validity, time);

    /// <summary>
    /// The responder of <paramref name="issuing"/>, kept in its folder: the data folder for the current issuing CA,
    /// DIR/issuing-previous/{KEY-ID}/ for one a renewal replaced (<see cref="DirectoryFor"/>).
    /// </summary>
    public static OcspSigningIdentity LoadOrIssue(CaMaterial material, CertificateAuthority issuing, string directory, TimeSpan validity, TimeProvider time)
    {
        var certPath = Path.Combine(directory, CertificateFile);
        var keyPath = Path.Combine(directory, KeyFile);
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
            var key = ECDsa.Create();
            key.ImportFromEncryptedPem(File.ReadAllText(keyPath), material.KeyPassphrase);
            var existing = new OcspSigningIdentity(certificate, key);
            if (!existing.IsDue(issuing, time.GetUtcNow()))
            {
                return existing;
            }

            existing.Dispose();
        }

        return Issue(material, issuing, directory, validity, time);
    }

    /// <summary>Where the responder of <paramref name="issuing"/> is kept: the data folder for the current issuing CA, else its previous-CA folder.</summary>
    public static string DirectoryFor(CaMaterial material, CertificateAuthority issuing) =>
        issuing.KeyIdentifierHex == material.Issuing.KeyIdentifierHex
            ? material.DataDirectory
            : IssuingCaFolder.PreviousDirectory(material.DataDirectory, issuing.KeyIdentifierHex);

    /// <summary>Issues a new responder certificate and key and stores them in the data folder.</summary>
    public static OcspSigningIdentity Issue(CaMaterial material, CertificateAuthority issuing, TimeSpan validity, TimeProvider time) =>
        Issue(material, issuing, material.DataDirectory, validity, time);

    /// <summary>Issues a new responder certificate and key and stores them in <paramref name="directory"/>.</summary>
    public static OcspSigningIdentity Issue(CaMaterial material, CertificateAuthority issuing, string directory, TimeSpan validity, TimeProvider time)
    {
        SecureFile.CreateDirectory(directory);
        var now = time.GetUtcNow();
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=Estuary OCSP Responder, O=Estuary"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Oids.OcspSigning)], false));
        var nullValue = new AsnWriter(AsnEncodingRules.DER);
        nullValue.WriteNull();
        request.CertificateExtensions.Add(new X509Extension(OcspNoCheckOid, nullValue.Encode(), false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuing.Certificate, true, false));
        var issuerNotAfter = new DateTimeOffset(issuing.Certificate.NotAfter.ToUniversalTime());
        var notAfter = now + validity < issuerNotAfter ? now + validity : issuerNotAfter;
        using var issued = request.Create(issuing.Certificate.SubjectName, issuing.SigningKey.CreateSignatureGenerator(), now.AddMinutes(-5), notAfter, SerialNumber.Next());
        CaDirectory.WriteKey(Path.Combine(directory, KeyFile), key, material.KeyPassphrase);
        SecureFile.WriteAllText(Path.Combine(directory, CertificateFile), issued.ExportCertificatePem() + "\n");
        return new OcspSigningIdentity(X509CertificateLoader.LoadCertificate(issued.RawData), key);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Key.Dispose();
    }
}
