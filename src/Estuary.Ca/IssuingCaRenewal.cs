using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Estuary.Ca;

/// <summary>
/// Renews the issuing CA under the same root before it expires: a new key (in the same key provider: an
/// encrypted file, or generated inside the PKCS#11 token) and a new certificate signed by the root, valid for
/// Estuary:Ca:IssuingValidityDays (never beyond the root). The replaced CA moves to DIR/issuing-previous/{KEY-ID}/
/// with its key, to keep signing CRLs and OCSP answers for what it issued. Running servers pick the change up
/// from the data folder (see <see cref="IssuingCaFolder.Reload"/>), so nothing restarts.
/// </summary>
public static partial class IssuingCaRenewal
{
    /// <summary>Held while a renewal writes the data folder, so that two renewals (CLI, nodes) never interleave.</summary>
    public const string LockFile = "issuing-ca.renewal.lock";

    /// <summary>A lock older than this was left by a crashed renewal and is taken over.</summary>
    private static readonly TimeSpan StaleLock = TimeSpan.FromMinutes(10);

    /// <summary>Creates the new issuing CA; returns it (the caller disposes), or null when <paramref name="stillDue"/> says another renewal already happened.</summary>
    /// <param name="subject">Subject of the new CA; null: the current one's with the next " G{n}" generation suffix.</param>
    /// <param name="stillDue">Checked against the current certificate once the lock is held (automatic renewal on several nodes).</param>
    /// <param name="token">The PKCS#11 session of a running server (a module is initialised once per process); null: open one.</param>
    /// <exception cref="InvalidOperationException">No CA, a root rollover in progress, a renewal in progress, or a subject already in use.</exception>
    public static X509Certificate2? Renew(string dataDirectory, CaOptions options, string? subject, TimeProvider time, Func<X509Certificate2, bool>? stillDue = null, Pkcs11Token? token = null)
    {
        string F(string name) => Path.Combine(dataDirectory, name);
        if (!File.Exists(F(CaDirectory.RootCertificateFile)))
        {
            throw new InvalidOperationException($"no CA in {dataDirectory}");
        }

        if (File.Exists(F(RootRollover.NewRootCertificateFile)))
        {
            throw new InvalidOperationException("a root rollover is in progress: finish it first (`estuary ca rollover finish`)");
        }

        using var held = AcquireLock(F(LockFile), time);
        var now = time.GetUtcNow();
        using var root = X509Certificate2.CreateFromPem(File.ReadAllText(F(CaDirectory.RootCertificateFile)));
        using var current = X509Certificate2.CreateFromPem(File.ReadAllText(F(CaDirectory.IssuingCertificateFile)));
        if (stillDue is not null && !stillDue(current))
        {
            return null;
        }

        var rootNotAfter = new DateTimeOffset(root.NotAfter.ToUniversalTime());
        if (rootNotAfter <= now.AddDays(1))
        {
            throw new InvalidOperationException("the root CA expires within a day: roll the root over instead (`estuary ca rollover begin`)");
        }

        var inUse = new HashSet<string>(IssuingCaFolder.PreviousCertificates(dataDirectory, now).Select(c => c.Subject).Append(current.Subject), StringComparer.OrdinalIgnoreCase);
        var name = subject is null ? NextSubject(current.SubjectName, inUse) : new X500DistinguishedName(subject);
        if (inUse.Contains(name.Name))
        {
            // The database, the CRLs and OCSP (issuerNameHash) tell issuing CAs apart by name, and so do
            // relying parties that match a CRL to its issuer by name alone (RFC 5280 §6.3.3 (b)).
            throw new InvalidOperationException($"'{name.Name}' is the subject of a current or previous issuing CA: give the new one its own (--subject)");
        }

        var notAfter = now.AddDays(options.IssuingValidityDays) < rootNotAfter ? now.AddDays(options.IssuingValidityDays) : rootNotAfter;
        var passphrase = CaDirectory.ResolvePassphrase(dataDirectory, options, out _);
        var oldKeyId = Convert.ToHexString(CertificateWriter.KeyIdentifier(current.PublicKey.ExportSubjectPublicKeyInfo()));
        var previousDirectory = IssuingCaFolder.PreviousDirectory(dataDirectory, oldKeyId);
        X509Certificate2 issued;
        if (options.UsesPkcs11)
        {
            var session = token?.AddReference() ?? Pkcs11Token.Open(options.Pkcs11);
            try
            {
                var currentLabel = IssuingCaFolder.CurrentKeyLabel(dataDirectory, options);
                var newLabel = options.Pkcs11.IssuingKeyLabel + "-" + now.ToString("yyyyMMddTHHmmss", CultureInfo.InvariantCulture);
                using var rootKey = session.Find(options.Pkcs11.RootKeyLabel);
                using var newKey = session.Generate(newLabel, KeyAlgorithm.Parse(options.IssuingKeyAlgorithm));
                issued = CaCertificates.Create(name, newKey.PublicKey, root.SubjectName, rootKey, root, 0, now.AddMinutes(-5), notAfter);
                KeepPrevious(dataDirectory, previousDirectory, current, keyFile: null, keyLabel: currentLabel);
                SecureFile.WriteAllText(F(IssuingCaFolder.KeyLabelFile), newLabel + "\n");
            }
            finally
            {
                session.Dispose();
            }
        }
        else
        {
            if (!File.Exists(F(CaDirectory.RootKeyFile)))
            {
                throw new InvalidOperationException($"the root key is not in {dataDirectory} ({CaDirectory.RootKeyFile}); for a CA in a PKCS#11 token set Estuary:Ca:KeyProvider=pkcs11");
            }

            // Any family the key files hold: ECDSA, RSA, or ML-DSA for an ML-DSA hierarchy (Estuary:Ca:Hierarchies).
            using var rootKey = CaKeyFiles.Load(F(CaDirectory.RootKeyFile), passphrase);
            using var newKey = CaKeyFiles.Generate(KeyAlgorithm.Parse(options.IssuingKeyAlgorithm));
            issued = CaCertificates.Create(name, CaCertificates.PublicKeyOf(newKey), root.SubjectName, rootKey, root, 0, now.AddMinutes(-5), notAfter);
            KeepPrevious(dataDirectory, previousDirectory, current, keyFile: F(CaDirectory.IssuingKeyFile), keyLabel: null);
            CaKeyFiles.Write(F(CaDirectory.IssuingKeyFile), newKey, passphrase);
        }

        // Written last: a reader that sees the new certificate finds its key in place (and checks that it matches).
        SecureFile.WriteAllText(F(CaDirectory.IssuingCertificateFile), issued.ExportCertificatePem() + "\n");
        IssuingCaFolder.RetireExpired(dataDirectory, now);
        return issued;
    }

    /// <summary>
    /// True when the issuing CA should be renewed now: less than <paramref name="renewBefore"/> of it remains (no
    /// certificate may outlive its issuer, so this is the longest lifetime it issues plus a margin) and a new one
    /// would actually last longer (not when the root is about to expire, or the configured lifetime is shorter).
    /// </summary>
    public static bool IsDue(X509Certificate2 issuing, X509Certificate2 root, CaOptions options, TimeSpan renewBefore, DateTimeOffset now)
    {
        var notAfter = new DateTimeOffset(issuing.NotAfter.ToUniversalTime());
        var rootNotAfter = new DateTimeOffset(root.NotAfter.ToUniversalTime());
        var renewedNotAfter = now.AddDays(options.IssuingValidityDays) < rootNotAfter ? now.AddDays(options.IssuingValidityDays) : rootNotAfter;
        return notAfter - now < renewBefore && renewedNotAfter > notAfter.AddDays(1);
    }

    /// <summary>"CN=Estuary Issuing CA, O=Estuary" → "CN=Estuary Issuing CA G2, O=Estuary"; "… G2" → "… G3"; skipping names in use.</summary>
    public static X500DistinguishedName NextSubject(X500DistinguishedName current, ISet<string> inUse)
    {
        var name = current.Name;
        var cn = CommonName().Match(name);
        if (!cn.Success)
        {
            name = "CN=Estuary Issuing CA, " + name;
            cn = CommonName().Match(name);
        }

        var value = cn.Groups["value"].Value;
        var generation = Generation().Match(value);
        var stem = generation.Success ? value[..generation.Index] : value;
        var next = generation.Success ? int.Parse(generation.Groups["n"].Value, CultureInfo.InvariantCulture) + 1 : 2;
        while (true)
        {
            var candidate = new X500DistinguishedName(string.Concat(name.AsSpan(0, cn.Groups["value"].Index), $"{stem} G{next}", name.AsSpan(cn.Groups["value"].Index + value.Length)));
            if (!inUse.Contains(candidate.Name))
            {
                return candidate;
            }

            next++;
        }
    }

    private static void KeepPrevious(string dataDirectory, string previousDirectory, X509Certificate2 current, string? keyFile, string? keyLabel)
    {
        SecureFile.CreateDirectory(previousDirectory);
        if (keyFile is not null)
        {
            File.Copy(keyFile, Path.Combine(previousDirectory, CaDirectory.IssuingKeyFile), overwrite: true);
        }
        else
        {
            SecureFile.WriteAllText(Path.Combine(previousDirectory, IssuingCaFolder.KeyLabelFile), keyLabel + "\n");
        }

        // Its OCSP responder goes along, so that answers about its certificates keep the same signer.
        foreach (var name in new[] { OcspSigningIdentity.CertificateFile, OcspSigningIdentity.KeyFile })
        {
            if (File.Exists(Path.Combine(dataDirectory, name)))
            {
                File.Copy(Path.Combine(dataDirectory, name), Path.Combine(previousDirectory, name), overwrite: true);
            }
        }

        // The certificate last: its presence marks a complete previous CA.
        SecureFile.WriteAllText(Path.Combine(previousDirectory, CaDirectory.IssuingCertificateFile), current.ExportCertificatePem() + "\n");
    }

    private static FileStream AcquireLock(string path, TimeProvider time)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, SecureFile.OwnerOnly(new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1, Options = FileOptions.DeleteOnClose }));
            }
            catch (IOException) when (attempt == 0 && File.Exists(path) && time.GetUtcNow().UtcDateTime - File.GetLastWriteTimeUtc(path) > StaleLock)
            {
                File.Delete(path);
            }
            catch (IOException e) when (File.Exists(path))
            {
                throw new InvalidOperationException($"another renewal of the issuing CA is in progress ({path}; remove it if none is)", e);
            }
        }
    }

    [GeneratedRegex(@"(?:^|,\s*)CN=(?<value>[^,]+)", RegexOptions.CultureInvariant)]
    private static partial Regex CommonName();

    [GeneratedRegex(@"\s+G(?<n>\d{1,6})$", RegexOptions.CultureInvariant)]
    private static partial Regex Generation();
}
