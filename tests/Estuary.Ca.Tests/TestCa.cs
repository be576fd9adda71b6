using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca.Tests;

/// <summary>A throwaway root + issuing CA made with the BCL for unit tests of issuance.</summary>
internal static class TestCa
{
    public static (CertificateAuthority Ca, X509Certificate2 Root) Create(string issuingKey = "P-256")
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var rootRequest = new CertificateRequest("CN=Test Root", rootKey, HashAlgorithmName.SHA384);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        var root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));

        var algorithm = KeyAlgorithm.Parse(issuingKey);
        var key = algorithm.Generate();
        var request = key is ECDsa ec
            ? new CertificateRequest("CN=Test Issuing", ec, HashAlgorithmName.SHA384)
            : new CertificateRequest("CN=Test Issuing", (RSA)key, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        var issuing = request.Create(root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2), SerialNumber.Next());
        return (new CertificateAuthority(issuing, [root], new SoftwareSigningKey(key, algorithm.Hash)), root);
    }
}
