using System.Text.Json;
using System.Text.Json.Serialization;

namespace Estuary.Cli.Backup;

/// <summary>
/// MANIFEST.json, the first entry of a backup: what was backed up, from where, and the size, mode and SHA-256 of
/// every other entry. A restore reads it first and writes nothing until every entry matches it. The checksums catch
/// corruption and careless edits; they do not authenticate the archive (anyone able to change a file can change the
/// manifest too), so archives are kept where only the operator can write them.
/// </summary>
internal sealed record BackupManifest
{
    public const int CurrentFormat = 1;
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        // The manifest is read by people and tools, never embedded in HTML: keep '+' and non-ASCII names readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The layout of the archive; a restore refuses a format it does not know.</summary>
    public int Format { get; init; } = CurrentFormat;

    public required string EstuaryVersion { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required string SourceDataDir { get; init; }

    /// <summary>"sqlite" (the database is data/estuary.db) or "postgres" (not in the archive: pg_dump).</summary>
    public required string Store { get; init; }

    /// <summary>The schema version of the copied SQLite database; null for PostgreSQL.</summary>
    public int? SchemaVersion { get; init; }

    /// <summary>The SQLite file that was copied, or the PostgreSQL server and database (without any password).</summary>
    public required string DatabaseSource { get; init; }

    /// <summary>"file" (encrypted PKCS#8 in the data folder) or "pkcs11".</summary>
    public required string CaKeys { get; init; }

    /// <summary>"file" (ca-key.passphrase is in the archive) or "configuration" (Estuary:Ca:KeyPassphrase: not in it unless in a configuration file).</summary>
    public required string CaPassphrase { get; init; }

    public HsmReference? Hsm { get; init; }

    public IReadOnlyList<ConfigurationSource> Configuration { get; init; } = [];

    public IReadOnlyList<ManifestFile> Files { get; init; } = [];

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads and checks a manifest: known format, every file name safe (<see cref="ArchiveLayout.CheckEntryName"/>) and listed once, well-formed checksums.</summary>
    /// <exception cref="BackupRefusedException">Anything else.</exception>
    public static BackupManifest Parse(ReadOnlySpan<byte> utf8)
    {
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(utf8, Json);
        }
        catch (JsonException e)
        {
            throw new BackupRefusedException($"{ArchiveLayout.ManifestEntry} is not valid: {e.Message}", e);
        }

        if (manifest is null || manifest.Files is null || manifest.Configuration is null)
        {
            throw new BackupRefusedException($"{ArchiveLayout.ManifestEntry} is empty");
        }

        if (manifest.Format != CurrentFormat)
        {
            throw new BackupRefusedException($"{ArchiveLayout.ManifestEntry} has format {manifest.Format}; this estuary reads format {CurrentFormat}");
        }

        if (manifest.Store is not (Sqlite or Postgres))
        {
            throw new BackupRefusedException($"{ArchiveLayout.ManifestEntry} names an unknown store '{manifest.Store}'");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            if (file?.Path is null || file.Sha256 is null)
            {
                throw new BackupRefusedException($"{ArchiveLayout.ManifestEntry} has a file without a path or checksum");
            }

            if (ArchiveLayout.CheckEntryName(file.Path) is { } reason)
            {
                throw new BackupRefusedException($"{ArchiveLayout.ManifestEntry} lists {Printable(file.Path)}: {reason}; refused");
            }

            if (!seen.Add(file.Path))
            {
                throw new BackupRefusedException($"{ArchiveLayout.ManifestEntry} lists {file.Path} twice");
            }

            if (file.Size < 0 || file.Sha256.Length != 64 || !file.Sha256.All(Uri.IsHexDigit))
            {
                throw new BackupRefusedException($"{ArchiveLayout.ManifestEntry} has a malformed size or SHA-256 for {file.Path}");
            }
        }

        return manifest;
    }

    /// <summary>An entry name as it may appear in one line of output: control characters escaped, at most 200 characters.</summary>
    public static string Printable(string name)
    {
        var escaped = string.Concat(name.Take(200).Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
        return name.Length > 200 ? escaped + "…" : escaped;
    }
}
