using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Cli.Client;

/// <summary>
/// Where an enrollment's files go (key.pem, cert.pem, chain.pem in --out-dir, and --p12). Everything that can be
/// checked is checked before anything is sent to the server: the folder exists (created 0700) and is writable,
/// no file would be replaced without --force, a PKCS#12 has a password. Should a write still fail once the
/// certificate is issued, the certificate and its key go to a fallback folder whose path is reported: an
/// issued certificate is never lost.
/// </summary>
internal sealed class OutputFiles
{
    private readonly string? _p12Password;

    public OutputFiles(string dir, string? p12, string? p12Password)
    {
        Dir = Path.GetFullPath(dir);
        P12 = p12 is null ? null : Path.GetFullPath(p12);
        _p12Password = p12Password;
    }

    public string Dir { get; }

    public string Key => Path.Combine(Dir, "key.pem");

    public string Cert => Path.Combine(Dir, "cert.pem");

    public string Chain => Path.Combine(Dir, "chain.pem");

    public string? P12 { get; }

    private IEnumerable<string> Targets => P12 is null ? [Key, Cert, Chain] : [Key, Cert, Chain, P12];

    /// <summary>Checks, before the first request, everything that would otherwise fail after issuance.</summary>
    public void Prepare(bool force)
    {
        if (P12 is not null && string.IsNullOrEmpty(_p12Password))
        {
            throw new CliUsageException($"--p12 needs a password: pass --p12-password or set {EnrollmentOptions.P12PasswordVariable}");
        }

        EnsureWritableFolder(Dir, "--out-dir");
        if (P12 is not null)
        {
            EnsureWritableFolder(Path.GetDirectoryName(P12)!, "--p12");
        }

        if (!force && Targets.FirstOrDefault(p => File.Exists(p) || Directory.Exists(p)) is { } existing)
        {
            throw new CliUsageException($"{existing} exists; pass --force to replace it, or choose another --out-dir");
        }
    }

    /// <summary>Creates <paramref name="dir"/> (0700) if missing and proves it writable by creating a file there.</summary>
    public static void EnsureWritableFolder(string dir, string flag)
    {
        try
        {
            if (!Directory.Exists(dir))
            {
                PendingEnrollment.CreatePrivateFolder(dir);
            }

            var probe = Path.Combine(dir, ".estuary-probe-" + Guid.NewGuid().ToString("N")[..8]);
            using (new FileStream(probe, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.DeleteOnClose }))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{flag} {dir}: cannot write there ({e.Message}); nothing was sent to the server", e);
        }
    }

    /// <summary>What was written where; <see cref="FallbackReason"/> is set when the files went to the fallback folder.</summary>
    public sealed record Saved(Dictionary<string, string> Files, string? FallbackFolder, string? FallbackReason);

    /// <summary>Writes the key first, then the certificate, the chain and the PKCS#12; on failure, to the fallback folder.</summary>
    public Saved Save(byte[] pkcs8, X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chain)
    {
        var files = new Dictionary<string, string> { ["key"] = Key, ["cert"] = Cert, ["chain"] = Chain };
        try
        {
            CredentialFiles.WriteText(Key, CredentialFiles.KeyPem(pkcs8), secret: true);
            CredentialFiles.WriteText(Cert, CredentialFiles.CertificatesPem([certificate]), secret: false);
            CredentialFiles.WriteText(Chain, CredentialFiles.CertificatesPem(chain), secret: false);
            if (P12 is not null)
            {
                files["p12"] = P12;
                CredentialFiles.WriteAtomic(P12, Pkcs12.Export(pkcs8, certificate, chain, _p12Password!), secret: true);
            }

            return new Saved(files, null, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var folder = SaveToFallback(pkcs8, certificate, chain, e);
            var fallback = new Dictionary<string, string>
            {
                ["key"] = Path.Combine(folder, "key.pem"),
                ["cert"] = Path.Combine(folder, "cert.pem"),
                ["chain"] = Path.Combine(folder, "chain.pem"),
            };
            return new Saved(fallback, folder, e.Message);
        }
    }

    /// <summary>
    /// $XDG_STATE_HOME/estuary/issued (else ~/.local/state/estuary/issued), then the working folder, then the
    /// temporary folder: the first one that takes the files, in a new 0700 folder with 0600 files.
    /// </summary>
    public static string SaveToFallback(byte[] pkcs8, X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chain, Exception original)
    {
        var name = $"{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{certificate.SerialNumber}";
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        var candidates = new[]
        {
            Path.Combine(state, "estuary", "issued", name),
            Path.Combine(Environment.CurrentDirectory, "estuary-issued-" + name),
            Path.Combine(Path.GetTempPath(), "estuary-issued-" + name),
        };
        foreach (var folder in candidates)
        {
            try
            {
                PendingEnrollment.CreatePrivateFolder(folder);
                CredentialFiles.WriteText(Path.Combine(folder, "key.pem"), CredentialFiles.KeyPem(pkcs8), secret: true);
                CredentialFiles.WriteText(Path.Combine(folder, "cert.pem"), CredentialFiles.CertificatesPem([certificate]), secret: true);
                CredentialFiles.WriteText(Path.Combine(folder, "chain.pem"), CredentialFiles.CertificatesPem(chain), secret: true);
                return folder;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // try the next place
            }
        }

        // Nowhere to write: the certificate (public) at least reaches the terminal.
        throw new CliFailure(
            ExitCodes.SavedElsewhere,
            "file",
            $"the certificate {certificate.SerialNumber} was issued but could not be written anywhere ({original.Message}); it follows on stderr:\n{CredentialFiles.CertificatesPem([certificate])}",
            "free disk space or fix permissions; the server's records hold the certificate too",
            new Dictionary<string, object?> { ["serial"] = certificate.SerialNumber },
            original);
    }
}
