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

        return ValueTask.CompletedTask;
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
