using System.Formats.Tar;
using System.IO.Compression;

namespace Estuary.Cli.Backup;

/// <summary>
/// Writes the archive: a POSIX (pax) tar, gzip-compressed when the name ends in .gz or .tgz; MANIFEST.json first so a
/// restore knows what to expect before it reads anything else. The file is created 0600 under a temporary name in
/// the target's folder and renamed into place once complete and on disk, so a crash never leaves a half archive
/// under the name the operator asked for.
/// </summary>
internal static class ArchiveWriter
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static bool IsGzip(string path) =>
        path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes <paramref name="manifest"/> and the staged files it lists to <paramref name="target"/>; returns the archive's size.</summary>
    public static long Write(string target, bool replace, BackupManifest manifest, StagingFolder staging)
    {
        var temporary = target + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        try
        {
            using (var file = new FileStream(temporary, options))
            {
                using (var compressed = IsGzip(target) ? new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true) : null)
                using (var tar = new TarWriter(compressed ?? (Stream)file, TarEntryFormat.Pax, leaveOpen: true))
                {
                    var now = manifest.CreatedAt;
                    using (var json = new MemoryStream(manifest.ToUtf8()))
                    {
                        tar.WriteEntry(Entry(ArchiveLayout.ManifestEntry, json, now));
                    }

                    foreach (var listed in manifest.Files)
                    {
                        using var data = File.OpenRead(staging.PathOf(listed.Path));
                        tar.WriteEntry(Entry(listed.Path, data, now));
                    }
                }

                file.Flush(flushToDisk: true);
            }

            // Without --force, Move refuses a FILE that appeared since we checked: nothing is ever overwritten silently.
            File.Move(temporary, target, overwrite: replace);
            return new FileInfo(target).Length;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static PaxTarEntry Entry(string name, Stream data, DateTimeOffset time) => new(TarEntryType.RegularFile, name)
    {
        // Every file of the data folder is 0600 (see DataFolder); the original mode is in the manifest.
        Mode = OwnerReadWrite,
        ModificationTime = time,
        DataStream = data,
    };
}
