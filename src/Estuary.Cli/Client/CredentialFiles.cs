using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Estuary.Cli.Client;

/// <summary>
/// Reads and writes the files a device keeps: PEM keys and certificates. Every write goes to a temporary
/// file in the same folder and is renamed over the target, so a reader never sees half a file; keys are
/// created with mode 0600 before any byte is written.
/// </summary>
internal static class CredentialFiles
{
    public static void WriteAtomic(string path, byte[] contents, bool secret)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + ".tmp-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = secret
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static void WriteText(string path, string text, bool secret) => WriteAtomic(path, Encoding.ASCII.GetBytes(text), secret);

    public static string CertificatesPem(IEnumerable<X509Certificate2> certificates) =>
        string.Concat(certificates.Select(c => PemEncoding.WriteString("CERTIFICATE", c.RawData) + "\n"));

    /// <summary>Unencrypted PKCS#8 "PRIVATE KEY" PEM.</summary>
    public static string KeyPem(AsymmetricAlgorithm key) => PemEncoding.WriteString("PRIVATE KEY", key.ExportPkcs8PrivateKey()) + "\n";

    public static string KeyPem(byte[] pkcs8) => PemEncoding.WriteString("PRIVATE KEY", pkcs8) + "\n";

    /// <summary>Every certificate in a PEM (or DER) file.</summary>
    public static X509Certificate2Collection ReadCertificates(string path, string flag)
    {
        if (!File.Exists(path))
        {
            throw new CliUsageException($"{flag} {path}: no such file");
        }

        var collection = new X509Certificate2Collection();
        try
        {
            var text = File.ReadAllText(path);
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                collection.ImportFromPem(text);
            }
            else
            {
                collection.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }
        }
        catch (CryptographicException e)
        {
            throw new CliUsageException($"{flag} {path}: not a PEM or DER certificate file ({e.Message})", e);
        }

        if (collection.Count == 0)
        {
            throw new CliUsageException($"{flag} {path}: holds no certificate");
        }

        return collection;
    }

    /// <summary>
    /// A certificate joined to its private key, usable as a TLS client credential (round-tripped through an
    /// ephemeral PKCS#12 because SslStream on Linux needs that).
    /// </summary>
    public static X509Certificate2 ReadIdentity(string certPath, string keyPath)
    {
        foreach (var (path, flag) in new[] { (certPath, "--cert"), (keyPath, "--key") })
        {
            if (!File.Exists(path))
            {
                throw new CliUsageException($"{flag} {path}: no such file");
            }
        }

        try
        {
            using (var alone = X509Certificate2.CreateFromPem(File.ReadAllText(certPath)))
            {
                if (Protocol.Crypto.MlDsa.IsMlDsa(alone.PublicKey.Oid.Value ?? ""))
                {
                    // docs/PQC.md: TLS here is OpenSSL 3.0, which cannot sign a handshake with an ML-DSA key.
                    throw new CliUsageException($"--cert {certPath} holds an ML-DSA key, which cannot authenticate a TLS handshake (OpenSSL 3.0 has no ML-DSA): renew it with `estuary enroll --key-type {new Protocol.PublicKeyKind(alone.PublicKey.Oid.Value!, null, 0).Name.ToLowerInvariant()}` and a password instead");
                }
            }

            using var joined = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            return X509CertificateLoader.LoadPkcs12(joined.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException e)
        {
            throw new CliUsageException($"--cert {certPath} / --key {keyPath}: cannot read the certificate and its private key as PEM ({UsageErrors.Plain(e.Message)})", e);
        }
        catch (ArgumentException e)
        {
            // CreateFromPemFile says "the provided key does not match the public key for this certificate" this way.
            throw new CliUsageException($"--key {keyPath} is not the private key of --cert {certPath}", e);
        }
    }

    /// <summary>The private key of an identity, as an algorithm object.</summary>
    public static AsymmetricAlgorithm PrivateKeyOf(X509Certificate2 identity) =>
        (AsymmetricAlgorithm?)identity.GetECDsaPrivateKey() ?? identity.GetRSAPrivateKey()
        ?? throw new CliUsageException("the key is neither ECDSA nor RSA");
}
