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
        IssueUnderNewRoot = hierarchy.IssueUnderNewRoot,
        AutoRenewIssuing = main.AutoRenewIssuing,
        RenewIssuingBeforeDays = main.RenewIssuingBeforeDays,
        IssuingCheckInterval = main.IssuingCheckInterval,
    };

    /// <summary>
    /// The folder and settings of configured hierarchy <paramref name="name"/>, for the `estuary ca` verbs that take
    /// --hierarchy; the key passphrase is the main CA's (configuration, else DATA_DIR/ca-key.passphrase).
    /// </summary>
    /// <exception cref="ArgumentException">No hierarchy of that name is configured (the message lists those that are).</exception>
    public static (string Directory, CaOptions Options) Find(string dataDirectory, CaOptions main, string name)
    {
        if (!main.Hierarchies.TryGetValue(name, out var hierarchy))
        {
            var configured = main.Hierarchies.Count == 0 ? "none" : string.Join(", ", main.Hierarchies.Keys.Order(StringComparer.Ordinal));
            throw new ArgumentException($"no CA hierarchy '{name}' is configured (Estuary:Ca:Hierarchies); configured: {configured}", nameof(name));
        }

        var directory = DirectoryOf(dataDirectory, name);
        // No folder: the verb reports "no CA in …"; resolving the passphrase would create its file in an empty folder.
        var passphrase = File.Exists(Path.Combine(directory, CaDirectory.RootCertificateFile)) ? CaDirectory.ResolvePassphrase(dataDirectory, main, out _) : "";
        return (directory, OptionsFor(main, name, hierarchy, passphrase));
    }

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
        // A root rollover of this hierarchy in progress: published, and issued under when configured (as for the main CA).
        var rollover = RootRollover.Load(directory, passphrase);
        var active = rollover?.Publish(issuing, root, options.IssueUnderNewRoot) ?? issuing;
        return new CaHierarchy(name, directory, root, active, options, passphrase) { Rollover = rollover };
    }

    private static void Create(string directory, CaOptions options, TimeProvider time)
    {
        using var rootKey = CaKeyFiles.Generate(KeyAlgorithm.Parse(options.RootKeyAlgorithm));
        using var issuingKey = CaKeyFiles.Generate(KeyAlgorithm.Parse(options.IssuingKeyAlgorithm));
        var (root, issuing) = CaPair.Create(new X500DistinguishedName(options.RootSubject), rootKey, new X500DistinguishedName(options.IssuingSubject), issuingKey, options, time.GetUtcNow());
        using (root)
        using (issuing)
        {
            CaPair.Write(directory, CaPair.Current, rootKey, issuingKey, root, issuing, options.KeyPassphrase!);
        }
    }
}
