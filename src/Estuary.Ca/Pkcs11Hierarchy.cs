using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>
/// Creates the root and issuing CA with their keys generated inside a PKCS#11 token; only the certificates
/// are written to the data folder (the key files of the file provider are never created).
/// </summary>
public static class Pkcs11Hierarchy
{
    public static void Create(string dataDirectory, CaOptions options, Pkcs11Token token, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var rootAlgorithm = KeyAlgorithm.Parse(options.RootKeyAlgorithm);
        var issuingAlgorithm = KeyAlgorithm.Parse(options.IssuingKeyAlgorithm);
        using var rootKey = token.Generate(options.Pkcs11.RootKeyLabel, rootAlgorithm);
        using var issuingKey = token.Generate(options.Pkcs11.IssuingKeyLabel, issuingAlgorithm);
        var rootName = new X500DistinguishedName(options.RootSubject);
        using var root = CaCertificates.Create(rootName, rootKey.PublicKey, rootName, rootKey, null, null, now.AddMinutes(-5), now.AddDays(options.RootValidityDays));
        using var issuing = CaCertificates.Create(
            new X500DistinguishedName(options.IssuingSubject),
            issuingKey.PublicKey,
            rootName,
            rootKey,
            root,
            0,
            now.AddMinutes(-5),
            now.AddDays(Math.Min(options.IssuingValidityDays, options.RootValidityDays - 1)));
        SecureFile.WriteAllText(Path.Combine(dataDirectory, CaDirectory.IssuingCertificateFile), issuing.ExportCertificatePem() + "\n");
        SecureFile.WriteAllText(Path.Combine(dataDirectory, CaDirectory.RootCertificateFile), root.ExportCertificatePem() + "\n");
    }
}
