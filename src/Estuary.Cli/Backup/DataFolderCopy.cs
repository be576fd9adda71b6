namespace Estuary.Cli.Backup;

/// <summary>
/// Copies the data folder, except the live database, into a <see cref="StagingFolder"/>: CA keys and certificates,
/// the passphrase file, console-keys/ (the DataProtection key ring of the console's cookies and of adapter secrets),
/// decrypt-keys.key, initial-credentials.json, issuing-previous/, retired/, and whatever else an operator keeps there.
/// Everything is copied, not a list of known names, so a file a later version adds is not silently left out.
/// </summary>
internal static class DataFolderCopy
{
    /// <summary>The entries copied (data/…) with their modes, and what was left out with the reason.</summary>
    public sealed record Result(IReadOnlyDictionary<string, UnixFileMode> Files, IReadOnlyList<string> Skipped);

    /// <param name="databaseNames">Top-level names that belong to the live SQLite database (copied separately, online).</param>
    public static Result Copy(string dataDir, StagingFolder staging, IReadOnlySet<string> databaseNames)
    {
        var files = new SortedDictionary<string, UnixFileMode>(StringComparer.Ordinal);
        var skipped = new List<string>();
        Walk(dataDir, "", staging, databaseNames, files, skipped);
        return new Result(files, skipped);
    }

    private static void Walk(string folder, string relative, StagingFolder staging, IReadOnlySet<string> databaseNames, SortedDictionary<string, UnixFileMode> files, List<string> skipped)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var name = relative + entry.Name;
            if (relative.Length == 0 && (databaseNames.Contains(entry.Name) || entry.Name == ArchiveLayout.RestoredConfigFolder))
            {
                if (entry.Name == ArchiveLayout.RestoredConfigFolder)
                {
                    skipped.Add(name + "/ (left by an earlier restore; the server does not read it)");
                }

                continue;
            }

            if (entry.LinkTarget is not null)
            {
                // A restore refuses links (they could point anywhere); the backup says so rather than following one.
                skipped.Add(name + " (symbolic link)");
                continue;
            }

            if (entry is DirectoryInfo)
            {
                Walk(entry.FullName, name + "/", staging, databaseNames, files, skipped);
                continue;
            }

            if (entry.Name.EndsWith(".lock", StringComparison.Ordinal) || entry.Name.Contains(".tmp-", StringComparison.Ordinal))
            {
                continue; // lock files and half-written temporaries (SecureFile writes NAME.tmp-PID, then renames)
            }

            var archived = ArchiveLayout.DataPrefix + name;
            if (CopyFile(entry.FullName, staging.PathOf(archived)))
            {
                files[archived] = OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : File.GetUnixFileMode(entry.FullName);
            }
        }
    }

    /// <summary>False when the file vanished between listing and copying (a temporary the server renamed).</summary>
    private static bool CopyFile(string source, string destination)
    {
        FileStream input;
        try
        {
            // Shared read/write/delete: the server keeps working on its files while we read them.
            input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        using (input)
        using (var output = StagingFolder.Create(destination))
        {
            input.CopyTo(output);
        }

        return true;
    }
}
