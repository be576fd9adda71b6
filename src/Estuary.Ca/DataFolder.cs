using System.Runtime.InteropServices;

namespace Estuary.Ca;

/// <summary>
/// The data folder holds CA keys, password hashes, the audit log and every CSR: only its owner may read it. Every
/// folder in it is 0700 and every file 0600 (certificates too — operators copy root-ca.pem out; nothing else needs
/// to read the folder). <see cref="Secure"/> runs before `estuary serve` and every CLI verb that writes the folder.
/// </summary>
public static class DataFolder
{
    private const UnixFileMode GroupAndOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const int MaxNamesShown = 6;

    /// <summary>umask 077: no group or other bits on anything this process creates.</summary>
    private const uint OwnerOnlyMask = 0b000_111_111;

    /// <summary>
    /// Creates <paramref name="path"/> (0700) when missing, removes group and other access from it and from
    /// everything under it (an older version left 0755/0644), and sets this process's umask to 077. Writes one
    /// line to <paramref name="report"/> when it tightened anything, naming what.
    /// </summary>
    public static void Secure(string path, TextWriter report)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // chmod only fixes what exists now. SQLite creates estuary.db-wal and -shm later (and again after the
        // last connection closes), the console creates console-keys/, a renewal issuing-previous/ and lock files:
        // with umask 077 whatever this process creates from here on is owner-only, whoever creates it. The CLI
        // verbs exit soon after; the server keeps the mask for its lifetime, which is what we want for its files.
        SetOwnerOnlyUmask();
        var tightened = new List<string>();
        var failed = new List<string>();
        if (!Directory.Exists(path))
        {
            SecureFile.CreateDirectory(path);
        }

        // The folder itself may be a symbolic link an operator made (/var/lib/estuary -> /data/estuary): follow
        // that one; links inside it are left alone, so a link never extends the walk outside the data folder.
        Tighten(path, ".", tightened, failed);
        Walk(path, path, tightened, failed);
        if (tightened.Count > 0)
        {
            var names = string.Join(", ", tightened.Take(MaxNamesShown)) + (tightened.Count > MaxNamesShown ? $", … ({tightened.Count - MaxNamesShown} more)" : "");
            report.WriteLine($"Data folder: removed group/other access from {tightened.Count} entries of {path} (now 0700 folders, 0600 files): {names}");
        }

        if (failed.Count > 0)
        {
            report.WriteLine($"Data folder: could not tighten (not the owner?): {string.Join(", ", failed.Take(MaxNamesShown))}");
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Walk(string root, string directory, List<string> tightened, List<string> failed)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null)
            {
                continue;
            }

            Tighten(entry.FullName, Path.GetRelativePath(root, entry.FullName), tightened, failed);
            if (entry is DirectoryInfo)
            {
                Walk(root, entry.FullName, tightened, failed);
            }
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Tighten(string path, string name, List<string> tightened, List<string> failed)
    {
        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & GroupAndOther) != 0)
            {
                File.SetUnixFileMode(path, mode & ~GroupAndOther);
                tightened.Add(name);
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            failed.Add(name);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void SetOwnerOnlyUmask()
    {
        try
        {
            _ = NativeMethods.umask(OwnerOnlyMask);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without the usual name: the chmod above and the modes our own writes ask for still hold.
        }
    }

    private static class NativeMethods
    {
        // umask(2) never fails; it returns the previous mask.
        [DllImport("libc", EntryPoint = "umask")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern uint umask(uint mask);
    }
}
