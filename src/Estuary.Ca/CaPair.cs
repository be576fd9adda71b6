using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>
/// A root and an issuing CA under it, made and written one way for every place that creates them: a further
/// hierarchy's first start (<see cref="CaHierarchies"/>) and a root rollover (<see cref="RootRollover"/>), for any
/// key family <see cref="CaKeyFiles"/> holds (ECDSA, RSA, ML-DSA). The issuing CA has pathLenConstraint 0 and never
/// outlives the root (RFC 5280 §6.1.3 would reject what it issued beyond that).
/// </summary>
public static class CaPair
{
    /// <summary>The file names a pair is written under: the current CA's, or those of a rollover in progress.</summary>
    public sealed record FileNames(string RootCertificate, string RootKey, string IssuingCertificate, string IssuingKey);

    public static FileNames Current { get; } = new(CaDirectory.RootCertificateFile, CaDirectory.RootKeyFile, CaDirectory.IssuingCertificateFile, CaDirectory.IssuingKeyFile);

    public static FileNames RolloverNew { get; } = new(RootRollover.NewRootCertificateFile, RootRollover.NewRootKeyFile, RootRollover.NewIssuingCertificateFile, RootRollover.NewIssuingKeyFile);

    /// <summary>A self-signed root for <paramref name="rootKey"/> and an issuing CA for <paramref name="issuingKey"/> signed by it.</summary>
    public static (X509Certificate2 Root, X509Certificate2 Issuing) Create(
        X500DistinguishedName rootName,
        CaSigningKey rootKey,
        X500DistinguishedName issuingName,
        CaSigningKey issuingKey,
        CaOptions options,
        DateTimeOffset now)
    {
        var root = CaCertificates.Create(rootName, CaCertificates.PublicKeyOf(rootKey), rootName, rootKey, null, null, now.AddMinutes(-5), now.AddDays(options.RootValidityDays));
        var issuing = CaCertificates.Create(
            issuingName,
            CaCertificates.PublicKeyOf(issuingKey),
            rootName,
            rootKey,
            root,
            0,
            now.AddMinutes(-5),
            now.AddDays(Math.Min(options.IssuingValidityDays, options.RootValidityDays - 1)));
        return (root, issuing);
    }

    /// <summary>
    /// Writes both keys (encrypted, 0600), the issuing certificate, <paramref name="others"/>, and the root certificate
    /// last: its presence marks a complete set to every reader.
    /// </summary>
    public static void Write(
        string directory,
        FileNames names,
        CaSigningKey rootKey,
        CaSigningKey issuingKey,
        X509Certificate2 root,
        X509Certificate2 issuing,
        string passphrase,
        params IReadOnlyList<(string File, X509Certificate2 Certificate)> others)
    {
        string F(string name) => Path.Combine(directory, name);
        CaKeyFiles.Write(F(names.RootKey), rootKey, passphrase);
        CaKeyFiles.Write(F(names.IssuingKey), issuingKey, passphrase);
        SecureFile.WriteAllText(F(names.IssuingCertificate), issuing.ExportCertificatePem() + "\n");
        foreach (var (file, certificate) in others)
        {
            SecureFile.WriteAllText(F(file), certificate.ExportCertificatePem() + "\n");
        }

        SecureFile.WriteAllText(F(names.RootCertificate), root.ExportCertificatePem() + "\n");
    }
}
