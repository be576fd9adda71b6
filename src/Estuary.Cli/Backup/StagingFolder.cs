using System.Globalization;
using System.Security.Cryptography;

namespace Estuary.Cli.Backup;

/// <summary>
/// A private folder (0700, under the system temp folder) where a backup gathers its files before the archive is
/// written: the archive's checksums are computed over these copies, so what the manifest says is what the archive
/// holds even while the server keeps changing the data folder. Deleted on dispose.
/// </summary>
internal sealed class StagingFolder : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // Directory.CreateTempSubdirectory creates the folder 0700 on Unix.
    public string Root { get; } = Directory.CreateTempSubdirectory("estuary-backup-").FullName;

    /// <summary>The staged file of an archive entry (data/… or config/NAME).</summary>
    public string PathOf(string entry)
    {
        var path = Path.Combine(Root, entry.Replace('/', Path.DirectorySeparatorChar));
        CreateFolders(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>A new 0600 file for writing.</summary>
    public static FileStream Create(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        return new FileStream(path, options);
    }

    /// <summary>The manifest line of a staged entry: size and SHA-256 of the staged copy, and the original's mode.</summary>
    public ManifestFile Describe(string entry, UnixFileMode mode)
    {
        using var stream = File.OpenRead(PathOf(entry));
        var hash = SHA256.HashData(stream);
        return new ManifestFile(entry, stream.Length, Octal(mode), Convert.ToHexStringLower(hash));
    }

    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8).PadLeft(3, '0').ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the folder is 0700 under the temp folder, and the operator sees the failure's cause anyway.
        }
    }

    private static void CreateFolders(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
