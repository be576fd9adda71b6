using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;

namespace Estuary.Server.Configuration;

/// <summary>
/// The built-in CA: key types, subjects, TLS host names and the key provider, with the PKCS#11 module that must
/// exist; all of it is used the moment the first start creates the CA, so it is checked before.
/// </summary>
internal sealed class CaRule : IConfigurationRule
{
    public ValueTask CheckAsync(ConfigurationCheckContext context, CancellationToken cancellationToken)
    {
        if (context.Bind<CaOptions>("Estuary:Ca") is not { } ca)
        {
            return ValueTask.CompletedTask;
        }

        KeyType(context, "Estuary:Ca:RootKeyAlgorithm", ca.RootKeyAlgorithm);
        KeyType(context, "Estuary:Ca:IssuingKeyAlgorithm", ca.IssuingKeyAlgorithm);
        Subject(context, "Estuary:Ca:RootSubject", ca.RootSubject);
        Subject(context, "Estuary:Ca:IssuingSubject", ca.IssuingSubject);
        for (var i = 0; i < ca.TlsHostnames.Count; i++)
        {
            if (Uri.CheckHostName(ca.TlsHostnames[i].Trim()) == UriHostNameType.Unknown)
            {
                context.Add($"Estuary:Ca:TlsHostnames:{i}", ca.TlsHostnames[i], "is neither a DNS name nor an IP address");
            }
        }

        if (!ca.UsesPkcs11 && !string.Equals(ca.KeyProvider, "file", StringComparison.OrdinalIgnoreCase))
        {
            context.Add("Estuary:Ca:KeyProvider", ca.KeyProvider, "is not file or pkcs11");
        }
        else if (ca.UsesPkcs11)
        {
            Pkcs11(context, ca.Pkcs11);
        }

        foreach (var (name, hierarchy) in ca.Hierarchies)
        {
            Hierarchy(context, "Estuary:Ca:Hierarchies:" + name, name, hierarchy);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A further hierarchy (e.g. ML-DSA): a folder-safe name, a key type that signs, subjects, lifetimes.</summary>
    private static void Hierarchy(ConfigurationCheckContext context, string path, string name, CaHierarchyOptions hierarchy)
    {
        if (!CaHierarchies.IsValidName(name))
        {
            context.Add(path, null, $"is not a usable hierarchy name: 1 to 64 letters, digits, '-' or '_', and not '{CaHierarchies.Main}' (the main CA)");
        }

        try
        {
            var algorithm = KeyAlgorithm.Parse(hierarchy.KeyAlgorithm);
            if (algorithm.Family == KeyFamily.MlKem)
            {
                context.Add(path + ":KeyAlgorithm", hierarchy.KeyAlgorithm, "cannot sign (ML-KEM is a key-establishment key): use ML-DSA-44, ML-DSA-65 or ML-DSA-87");
            }
        }
        catch (ArgumentException)
        {
            context.Add(path + ":KeyAlgorithm", hierarchy.KeyAlgorithm, "is not a key type: use ML-DSA-44, ML-DSA-65 or ML-DSA-87 (or P-256, P-384, P-521, RSA-2048…)");
        }

        if (!string.Equals(hierarchy.KeyProvider, "file", StringComparison.OrdinalIgnoreCase))
        {
            // docs/PQC.md: SoftHSM2 2.6.1 (Debian 12) implements PKCS#11 2.40 without ML-DSA mechanisms (CKM_ML_DSA is
            // PKCS#11 3.2), so an ML-DSA key cannot be generated or used in the token.
            context.Add(path + ":KeyProvider", hierarchy.KeyProvider, "must be file: the PKCS#11 tokens Estuary drives (SoftHSM2 2.6.1) have no ML-DSA mechanism, so the hierarchy's keys are encrypted files");
        }

        if (!string.IsNullOrWhiteSpace(hierarchy.RootSubject))
        {
            Subject(context, path + ":RootSubject", hierarchy.RootSubject);
        }

        if (!string.IsNullOrWhiteSpace(hierarchy.IssuingSubject))
        {
            Subject(context, path + ":IssuingSubject", hierarchy.IssuingSubject);
        }

        if (hierarchy.RootValidityDays < 2 || hierarchy.IssuingValidityDays < 1)
        {
            context.Add(path + ":RootValidityDays", hierarchy.RootValidityDays.ToString(System.Globalization.CultureInfo.InvariantCulture), "and IssuingValidityDays must be positive (the root at least 2 days)");
        }
    }

    /// <summary>A key type name as <see cref="KeyAlgorithm.Parse"/> reads it.</summary>
    internal static void KeyType(ConfigurationCheckContext context, string key, string value)
    {
        try
        {
            if (KeyAlgorithm.Parse(value).IsPostQuantum)
            {
                context.Add(key, value, "is a post-quantum key type, which this CA key setting does not take: use P-256, P-384, P-521, RSA-2048, RSA-3072 or RSA-4096");
            }
        }
        catch (ArgumentException)
        {
            context.Add(key, value, "is not a key type: use P-256, P-384, P-521, RSA-2048, RSA-3072 or RSA-4096");
        }
    }

    private static void Subject(ConfigurationCheckContext context, string key, string value)
    {
        try
        {
            _ = new X500DistinguishedName(value);
        }
        catch (CryptographicException)
        {
            context.Add(key, value, "is not a distinguished name: write e.g. CN=Example Root CA, O=Example");
        }
    }

    private static void Pkcs11(ConfigurationCheckContext context, Pkcs11Options options)
    {
        if (string.IsNullOrWhiteSpace(options.ModulePath))
        {
            context.Add("Estuary:Ca:Pkcs11:ModulePath", null, "is not set: Estuary:Ca:KeyProvider is pkcs11, name the PKCS#11 library (e.g. /usr/lib/softhsm/libsofthsm2.so)");
        }
        else if (!File.Exists(options.ModulePath))
        {
            context.Add("Estuary:Ca:Pkcs11:ModulePath", options.ModulePath, "does not exist: install the HSM's PKCS#11 library or correct the path");
        }

        if (string.IsNullOrWhiteSpace(options.TokenLabel))
        {
            context.Add("Estuary:Ca:Pkcs11:TokenLabel", null, "is not set: name the token that holds (or will hold) the CA keys");
        }

        if (string.IsNullOrEmpty(options.Pin))
        {
            context.Add("Estuary:Ca:Pkcs11:Pin", null, "is not set: give the user PIN, best in the environment (Estuary__Ca__Pkcs11__Pin)");
        }
    }
}
