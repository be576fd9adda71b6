using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Estuary.Cli.Backup;

/// <summary>
/// Reads a backup archive as the untrusted input it is: MANIFEST.json must come first; after it, only regular files,
/// each with a safe name (<see cref="ArchiveLayout.CheckEntryName"/>), listed in the manifest and present once. Links,
/// devices, folders and anything unlisted are refused, never skipped, so that what a restore writes is exactly what
/// the manifest describes. Tar and gzip damage surfaces as <see cref="BackupRefusedException"/>.
/// </summary>
internal sealed class BackupArchiveReader : IDisposable
{
    private static readonly byte[] GzipMagic = [0x1f, 0x8b];

    private readonly string _path;
    private readonly FileStream _file;
    private readonly TarReader _tar;
    private readonly Dictionary<string, ManifestFile> _listed;

    private BackupArchiveReader(string path, FileStream file, TarReader tar, BackupManifest manifest)
    {
        _path = path;
        _file = file;
        _tar = tar;
        Manifest = manifest;
        _listed = manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
    }

    public BackupManifest Manifest { get; }

    /// <exception cref="BackupRefusedException">Not a readable tar, or no valid manifest first.</exception>
    public static BackupArchiveReader Open(string path)
    {
        if (Directory.Exists(path))
        {
            throw new BackupRefusedException($"{path} is a folder; --from names the archive file");
        }

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BackupRefusedException($"no archive at {path}", e);
        }

        try
        {
            Span<byte> magic = stackalloc byte[2];
            var gzip = file.Read(magic) == 2 && magic.SequenceEqual(GzipMagic);
            file.Position = 0;
            var tar = new TarReader(gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file, leaveOpen: !gzip);
            var first = Next(tar, path) ?? throw new BackupRefusedException($"{path} is an empty archive");
            if (first.Name != ArchiveLayout.ManifestEntry || !IsRegularFile(first) || first.DataStream is null || first.Length > ArchiveLayout.MaxManifestBytes)
            {
                throw new BackupRefusedException($"{path} is not an estuary backup: its first entry is not {ArchiveLayout.ManifestEntry}");
            }

            using var json = new MemoryStream();
            Read(() => first.DataStream.CopyTo(json), path);
            return new BackupArchiveReader(path, file, tar, BackupManifest.Parse(json.ToArray()));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Each file entry with the manifest's line for it. <paramref name="copy"/> reads the data (and may write it
    /// somewhere) and returns its SHA-256 and size, which must match the manifest.
    /// </summary>
    public void ForEachFile(Func<ManifestFile, Stream, (byte[] Sha256, long Size)> copy)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (Next(_tar, _path) is { } entry)
        {
            var name = BackupManifest.Printable(entry.Name);
            if (!IsRegularFile(entry))
            {
                throw new BackupRefusedException($"{_path}: entry {name} is a {Describe(entry.EntryType)}, not a regular file; refused");
            }

            if (ArchiveLayout.CheckEntryName(entry.Name) is { } reason)
            {
                throw new BackupRefusedException($"{_path}: entry {name} is {reason}; refused");
            }

            if (!_listed.TryGetValue(entry.Name, out var listed) || !seen.Add(entry.Name))
            {
                throw new BackupRefusedException($"{_path}: entry {name} is not in {ArchiveLayout.ManifestEntry} or appears twice; refused");
            }

            var (hash, size) = Read(() => copy(listed, entry.DataStream ?? Stream.Null), _path);
            if (size != listed.Size)
            {
                throw new BackupRefusedException($"{_path}: {entry.Name} has {size} bytes where {ArchiveLayout.ManifestEntry} says {listed.Size}: the archive is truncated or corrupt; nothing restored");
            }

            if (!CryptographicOperations.FixedTimeEquals(hash, Convert.FromHexString(listed.Sha256)))
            {
                throw new BackupRefusedException($"{_path}: {entry.Name} does not match its SHA-256 in {ArchiveLayout.ManifestEntry}: the archive is corrupt or was altered; nothing restored");
            }
        }

        if (_listed.Keys.FirstOrDefault(k => !seen.Contains(k)) is { } missing)
        {
            throw new BackupRefusedException($"{_path}: {missing} is in {ArchiveLayout.ManifestEntry} but not in the archive (truncated?); nothing restored");
        }
    }

    /// <summary>Hashes a stream into <paramref name="destination"/> (or nowhere): the SHA-256 and the byte count.</summary>
    public static (byte[] Sha256, long Size) Copy(Stream source, Stream? destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            destination?.Write(buffer, 0, read);
            size += read;
        }

        return (hash.GetHashAndReset(), size);
    }

    public void Dispose()
    {
        _tar.Dispose();
        _file.Dispose();
    }

    private static TarEntry? Next(TarReader tar, string path) => Read(() => tar.GetNextEntry(copyData: false), path);

    /// <summary>Tar and gzip report damage as several exception types; each becomes a one-line refusal.</summary>
    private static T Read<T>(Func<T> read, string path)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw new BackupRefusedException($"{path} is not a readable archive: {e.Message}", e);
        }
    }

    private static void Read(Action read, string path) => Read(() =>
    {
        read();
        return 0;
    }, path);

    private static bool IsRegularFile(TarEntry entry) => entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile;

    private static string Describe(TarEntryType type) => type switch
    {
        TarEntryType.SymbolicLink => "symbolic link",
        TarEntryType.HardLink => "hard link",
        TarEntryType.Directory => "folder",
        TarEntryType.CharacterDevice or TarEntryType.BlockDevice => "device",
        TarEntryType.Fifo => "FIFO",
        _ => type.ToString(),
    };
}
