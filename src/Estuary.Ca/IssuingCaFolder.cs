using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>
/// Where the data folder keeps the issuing CAs a renewal replaced: DIR/issuing-previous/{KEY-ID}/ holds the
/// certificate, the encrypted key (or the PKCS#11 key label) and that CA's OCSP responder. They stay until their
/// own certificate expires — no certificate they issued can outlive them (RFC 5280 §6.1.3, and the CA clamps
/// notAfter) — and then move to DIR/retired/. The current issuing CA stays in issuing-ca.pem / issuing-ca.key.pem.
/// </summary>
public static class IssuingCaFolder
{
    public const string PreviousFolder = "issuing-previous";

    /// <summary>The token label of the issuing CA key when a renewal generated it (PKCS#11); absent: Estuary:Ca:Pkcs11 IssuingKeyLabel.</summary>
    public const string KeyLabelFile = "issuing-ca.pkcs11-label";

    /// <summary>The folder of a previous issuing CA, by its key identifier.</summary>
    public static string PreviousDirectory(string dataDirectory, string keyIdentifierHex) =>
        Path.Combine(dataDirectory, PreviousFolder, keyIdentifierHex);

    /// <summary>The token label of the current issuing CA key.</summary>
    public static string CurrentKeyLabel(string dataDirectory, CaOptions options)
    {
        var path = Path.Combine(dataDirectory, KeyLabelFile);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : options.Pkcs11.IssuingKeyLabel;
    }

    /// <summary>The certificates of the previous issuing CAs that have not expired, newest first (no keys loaded).</summary>
    public static IReadOnlyList<X509Certificate2> PreviousCertificates(string dataDirectory, DateTimeOffset now)
    {
        var folder = Path.Combine(dataDirectory, PreviousFolder);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return [.. Directory.GetDirectories(folder)
            .Select(d => Path.Combine(d, CaDirectory.IssuingCertificateFile))
            .Where(File.Exists)
            .Select(p => X509Certificate2.CreateFromPem(File.ReadAllText(p)))
            .Where(c => c.NotAfter.ToUniversalTime() > now.UtcDateTime)
            .OrderByDescending(c => c.NotAfter)];
    }

    /// <summary>
    /// Loads the previous issuing CAs with their keys, reusing those in <paramref name="loaded"/> by key identifier.
    /// PKCS#11 keys share <paramref name="token"/>'s session.
    /// </summary>
    internal static List<CertificateAuthority> LoadPrevious(string dataDirectory, string passphrase, X509Certificate2 root, Pkcs11Token? token, IReadOnlyList<CertificateAuthority> loaded, DateTimeOffset now)
    {
        var result = new List<CertificateAuthority>();
        foreach (var certificate in PreviousCertificates(dataDirectory, now))
        {
            var keyId = Convert.ToHexString(CertificateWriter.KeyIdentifier(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
            if (loaded.FirstOrDefault(c => c.KeyIdentifierHex == keyId) is { } existing)
            {
                certificate.Dispose();
                result.Add(existing);
                continue;
            }

            var directory = PreviousDirectory(dataDirectory, keyId);
            var key = LoadKey(directory, passphrase, token);
            if (key is null)
            {
                certificate.Dispose();
                continue;
            }

            result.Add(new CertificateAuthority(certificate, [root], key));
        }

        return result;
    }

    /// <summary>The signing key kept in a folder: an encrypted key file, or a label in <paramref name="token"/>; null when neither is usable.</summary>
    internal static CaSigningKey? LoadKey(string directory, string passphrase, Pkcs11Token? token)
    {
        var keyFile = Path.Combine(directory, CaDirectory.IssuingKeyFile);
        if (File.Exists(keyFile))
        {
            return CaKeyFiles.Load(keyFile, passphrase);
        }

        var labelFile = Path.Combine(directory, KeyLabelFile);
        if (token is not null && File.Exists(labelFile))
        {
            var shared = token.AddReference();
            try
            {
                return shared.Find(File.ReadAllText(labelFile).Trim(), ownsToken: true);
            }
            catch (InvalidOperationException)
            {
                shared.Dispose();
                return null;
            }
        }

        return null;
    }

    internal static HashAlgorithmName HashOf(AsymmetricAlgorithm key) => key is ECDsa ec
        ? ec.KeySize switch
        {
            >= 521 => HashAlgorithmName.SHA512,
            >= 384 => HashAlgorithmName.SHA384,
            _ => HashAlgorithmName.SHA256,
        }
        : HashAlgorithmName.SHA256;

    /// <summary>
    /// Brings a running CA up to date with the data folder (a renewal by the CLI, another node or this server):
    /// a new issuing-ca.pem whose key is in place becomes the signer; previous CAs come and go. Returns true when
    /// something changed. A half-written renewal (certificate and key not matching yet) is left for the next check.
    /// </summary>
    public static bool Reload(CaMaterial material, TimeProvider time) =>
        Reload(material.Issuing, material.DataDirectory, material.Root, material.KeyPassphrase, time);

    /// <summary>As <see cref="Reload(CaMaterial, TimeProvider)"/>, for the issuing CA <paramref name="ca"/> kept in <paramref name="dataDirectory"/> under <paramref name="root"/>.</summary>
    public static bool Reload(CertificateAuthority ca, string dataDirectory, X509Certificate2 root, string passphrase, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var token = (ca.SigningKey as Pkcs11SigningKey)?.Token;
        var certificatePath = Path.Combine(dataDirectory, CaDirectory.IssuingCertificateFile);
        using var onDisk = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
        if (onDisk.RawData.AsSpan().SequenceEqual(ca.Certificate.RawData))
        {
            var previous = LoadPrevious(dataDirectory, passphrase, root, token, ca.Previous, now);
            if (previous.Count == ca.Previous.Count && previous.All(ca.Previous.Contains))
            {
                return false;
            }

            ca.SetPrevious(previous);
            return true;
        }

        if (ca.RolloverCertificates.Count > 0 || !onDisk.IssuerName.RawData.AsSpan().SequenceEqual(root.SubjectName.RawData))
        {
            return false; // a root rollover changes the hierarchy: that takes a restart (see "Root CA rollover")
        }

        CaSigningKey key;
        if (token is not null)
        {
            var shared = token.AddReference();
            try
            {
                key = shared.Find(File.ReadAllText(Path.Combine(dataDirectory, KeyLabelFile)).Trim(), ownsToken: true);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                shared.Dispose();
                return false;
            }
        }
        else
        {
            key = CaKeyFiles.Load(Path.Combine(dataDirectory, CaDirectory.IssuingKeyFile), passphrase);
        }

        if (!CaCertificates.PublicKeyOf(key).ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(onDisk.PublicKey.ExportSubjectPublicKeyInfo()))
        {
            key.Dispose();
            return false;
        }

        var previousCas = LoadPrevious(dataDirectory, passphrase, root, token, ca.Previous, now);
        ca.Renew(X509CertificateLoader.LoadCertificate(onDisk.RawData), [root], key, previousCas);
        return true;
    }

    /// <summary>Moves previous issuing CAs whose certificate has expired to DIR/retired/; returns their key identifiers.</summary>
    public static IReadOnlyList<string> RetireExpired(string dataDirectory, DateTimeOffset now)
    {
        var folder = Path.Combine(dataDirectory, PreviousFolder);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var retired = new List<string>();
        foreach (var directory in Directory.GetDirectories(folder))
        {
            var path = Path.Combine(directory, CaDirectory.IssuingCertificateFile);
            if (!File.Exists(path))
            {
                continue;
            }

            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            if (certificate.NotAfter.ToUniversalTime() > now.UtcDateTime)
            {
                continue;
            }

            var target = Path.Combine(dataDirectory, RootRollover.RetiredFolder, now.ToString("yyyyMMddTHHmmssZ", CultureInfo.InvariantCulture) + "-issuing-" + Path.GetFileName(directory));
            try
            {
                SecureFile.CreateDirectory(Path.GetDirectoryName(target)!);
                Directory.Move(directory, target);
                retired.Add(Path.GetFileName(directory));
            }
            catch (IOException)
            {
                // Another node retired it first.
            }
        }

        return retired;
    }
}
