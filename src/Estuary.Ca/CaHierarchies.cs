using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>
/// Creates and loads the hierarchies of Estuary:Ca:Hierarchies. Each is created on the first start that names it
/// (or by `estuary ca init`): root and issuing CA of the configured key type, keys as encrypted files (0600 in a
/// 0700 folder), the root certificate written last so that its presence marks a complete hierarchy.
/// </summary>
public static class CaHierarchies
{
    /// <summary>The name of the main (ECDSA/RSA) hierarchy when a label names one explicitly.</summary>
    public const string Main = "default";

    public const string Folder = "hierarchies";

    public static string DirectoryOf(string dataDirectory, string name) => Path.Combine(dataDirectory, Folder, name);

    /// <summary>True for a usable hierarchy name: it becomes a folder name.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name != Main && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The settings of hierarchy <paramref name="name"/> in the main CA's shape.</summary>
    public static CaOptions OptionsFor(CaOptions main, string name, CaHierarchyOptions hierarchy, string passphrase) => new()
    {
        RootKeyAlgorithm = hierarchy.KeyAlgorithm,
        IssuingKeyAlgorithm = hierarchy.KeyAlgorithm,
        RootSubject = string.IsNullOrWhiteSpace(hierarchy.RootSubject) ? $"CN=Estuary {name} Root CA, O=Estuary" : hierarchy.RootSubject,
        IssuingSubject = string.IsNullOrWhiteSpace(hierarchy.IssuingSubject) ? $"CN=Estuary {name} Issuing CA, O=Estuary" : hierarchy.IssuingSubject,
        RootValidityDays = hierarchy.RootValidityDays,
        IssuingValidityDays = hierarchy.IssuingValidityDays,
        KeyPassphrase = passphrase,
        KeyProvider = "file",
        AutoRenewIssuing = main.AutoRenewIssuing,
        RenewIssuingBeforeDays = main.RenewIssuingBeforeDays,
    };

    /// <summary>Loads every configured hierarchy, creating those that do not exist yet.</summary>
    public static IReadOnlyList<CaHierarchy> LoadOrCreate(string dataDirectory, CaOptions main, string passphrase, TimeProvider time)
    {
        var result = new List<CaHierarchy>();
        foreach (var (name, hierarchy) in main.Hierarchies.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            var directory = DirectoryOf(dataDirectory, name);
            var options = OptionsFor(main, name, hierarchy, passphrase);
            SecureFile.CreateDirectory(Path.Combine(dataDirectory, Folder));
            SecureFile.CreateDirectory(directory);
            if (!File.Exists(Path.Combine(directory, CaDirectory.RootCertificateFile)))
            {
                Create(directory, options, time);
            }

            result.Add(Load(name, directory, options, passphrase, time));
        }

        return result;
    }

    private static CaHierarchy Load(string name, string directory, CaOptions options, string passphrase, TimeProvider time)
    {
        var root = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(directory, CaDirectory.RootCertificateFile)));
        var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(directory, CaDirectory.IssuingCertificateFile)));
        var key = CaKeyFiles.Load(Path.Combine(directory, CaDirectory.IssuingKeyFile), passphrase);
        var issuing = new CertificateAuthority(certificate, [root], key);
        issuing.SetPrevious(IssuingCaFolder.LoadPrevious(directory, passphrase, root, null, [], time.GetUtcNow()));
        return new CaHierarchy(name, directory, root, issuing, options, passphrase);
    }

    private static void Create(string directory, CaOptions options, TimeProvider time)
    {
        var now = time.GetUtcNow();
        using var rootKey = CaKeyFiles.Generate(KeyAlgorithm.Parse(options.RootKeyAlgorithm));
        using var issuingKey = CaKeyFiles.Generate(KeyAlgorithm.Parse(options.IssuingKeyAlgorithm));
        var rootName = new X500DistinguishedName(options.RootSubject);
        using var root = CaCertificates.Create(rootName, CaCertificates.PublicKeyOf(rootKey), rootName, rootKey, null, null, now.AddMinutes(-5), now.AddDays(options.RootValidityDays));
        using var issuing = CaCertificates.Create(
            new X500DistinguishedName(options.IssuingSubject),
            CaCertificates.PublicKeyOf(issuingKey),
            rootName,
            rootKey,
            root,
            0,
            now.AddMinutes(-5),
            now.AddDays(Math.Min(options.IssuingValidityDays, options.RootValidityDays - 1)));
        CaKeyFiles.Write(Path.Combine(directory, CaDirectory.RootKeyFile), rootKey, options.KeyPassphrase!);
        CaKeyFiles.Write(Path.Combine(directory, CaDirectory.IssuingKeyFile), issuingKey, options.KeyPassphrase!);
        SecureFile.WriteAllText(Path.Combine(directory, CaDirectory.IssuingCertificateFile), issuing.ExportCertificatePem() + "\n");
        SecureFile.WriteAllText(Path.Combine(directory, CaDirectory.RootCertificateFile), root.ExportCertificatePem() + "\n");
    }
}
