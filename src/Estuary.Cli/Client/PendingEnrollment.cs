using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Estuary.Client;

namespace Estuary.Cli.Client;

/// <summary>
/// An enrollment this client started and has not collected yet. RFC 7030 §4.2.3: after 202 Accepted the client
/// repeats the same request later, so the key and the CSR must outlive the process. They are kept in
/// OUT-DIR/.estuary-pending (folder 0700, files 0600) from before the first send until the certificate is
/// saved: a 202 beyond --max-wait, a lost connection or a crash never loses the key, and the next run of the
/// same command repeats the SAME CSR with the SAME key instead of starting a new request.
/// </summary>
internal sealed class PendingEnrollment
{
    public const string FolderName = ".estuary-pending";
    private const string KeyFile = "key.pem";
    private const string RequestFile = "request.csr";
    private const string RecordFile = "pending.json";

    private PendingEnrollment(string folder, PendingRecord record, byte[] csr, byte[]? pkcs8)
    {
        Folder = folder;
        Record = record;
        Csr = csr;
        KeyPkcs8 = pkcs8;
    }

    /// <summary>What pending.json says: which operation at which URL, for whom, since when.</summary>
    public sealed record PendingRecord(string Operation, string Url, string Subject, DateTimeOffset CreatedAt);

    public string Folder { get; }

    public PendingRecord Record { get; }

    /// <summary>The CSR as sent (DER).</summary>
    public byte[] Csr { get; }

    /// <summary>The PKCS#8 key that signed the CSR (the certificate's key, except for serverkeygen's throwaway key).</summary>
    public byte[]? KeyPkcs8 { get; }

    public static string FolderOf(string outDir) => Path.Combine(Path.GetFullPath(outDir), FolderName);

    /// <summary>The pending request kept in <paramref name="outDir"/>, or null.</summary>
    public static PendingEnrollment? Find(string outDir)
    {
        var folder = FolderOf(outDir);
        if (!Directory.Exists(folder))
        {
            return null;
        }

        try
        {
            var record = JsonSerializer.Deserialize<PendingRecord>(File.ReadAllText(Path.Combine(folder, RecordFile)), CliJson.Options)
                ?? throw new JsonException("empty");
            var keyPath = Path.Combine(folder, KeyFile);
            var key = File.Exists(keyPath) ? ReadPem(keyPath) : null;
            return new PendingEnrollment(folder, record, ReadPem(Path.Combine(folder, RequestFile)), key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ArgumentException or FormatException)
        {
            throw new CliUsageException($"{folder} holds a pending request that cannot be read ({e.Message}); move that folder away to start a new request", e);
        }
    }

    /// <summary>Keeps the request before it is first sent.</summary>
    public static PendingEnrollment Save(string outDir, string operation, EstClientOptions connection, byte[] csr, byte[]? pkcs8, TimeProvider time)
    {
        var folder = FolderOf(outDir);
        CreatePrivateFolder(folder);
        var record = new PendingRecord(operation, connection.EstBase.ToString(), SubjectOf(csr), time.GetUtcNow());
        if (pkcs8 is not null)
        {
            CredentialFiles.WriteText(Path.Combine(folder, KeyFile), CredentialFiles.KeyPem(pkcs8), secret: true);
        }

        CredentialFiles.WriteText(Path.Combine(folder, RequestFile), PemEncoding.WriteString("CERTIFICATE REQUEST", csr) + "\n", secret: true);
        CredentialFiles.WriteText(Path.Combine(folder, RecordFile), CliJson.Serialize(record) + "\n", secret: true);
        return new PendingEnrollment(folder, record, csr, pkcs8);
    }

    /// <summary>A re-run must ask for the same thing: another operation, server, label or subject is refused, not silently swapped.</summary>
    public void CheckSameAs(string operation, EstClientOptions connection, X500DistinguishedName subject)
    {
        if (Record.Operation != operation || Record.Url != connection.EstBase.ToString() || Record.Subject != subject.Name)
        {
            throw new CliUsageException(
                $"{Folder} holds a pending {Record.Operation} request for \"{Record.Subject}\" at {Record.Url} from {Record.CreatedAt:u}; " +
                "run that command again to collect it, or move the folder away to start a new request");
        }
    }

    /// <summary>The request is over (collected, or refused for good): forget it. A failure to delete loses nothing.</summary>
    public void Remove()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The certificate is saved; a leftover folder is refused with a clear message on the next run.
        }
    }

    public static void CreatePrivateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static byte[] ReadPem(string path)
    {
        var text = File.ReadAllText(path);
        return Convert.FromBase64String(text[PemEncoding.Find(text).Base64Data]);
    }

    private static string SubjectOf(byte[] csr)
    {
        try
        {
            return CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.SkipSignatureValidation).SubjectName.Name;
        }
        catch (CryptographicException)
        {
            return "";
        }
    }
}
