namespace Estuary.Testing;

/// <summary>Checks the data folder rule of issue 12 item 7: the folder and every folder in it 0700, every file 0600.</summary>
public static class DataFolderModes
{
    public const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Every entry (the folder itself included, links skipped) that is not exactly 0600 (file) or 0700 (folder), with its mode.</summary>
    public static List<string> LooserThanOwnerOnly(string dataDir)
    {
        var entries = new List<FileSystemInfo> { new DirectoryInfo(dataDir) };
        entries.AddRange(new DirectoryInfo(dataDir).EnumerateFileSystemInfos("*", SearchOption.AllDirectories));
        return [.. entries
            .Where(e => e.LinkTarget is null && e.UnixFileMode != (e is DirectoryInfo ? OwnerFolder : OwnerFile))
            .Select(e => $"{Path.GetRelativePath(dataDir, e.FullName)} {Convert.ToString((int)e.UnixFileMode, 8)}")];
    }

    /// <summary>What an older version left: every folder 0755, every file 0644.</summary>
    public static void Loosen(string dataDir)
    {
        const UnixFileMode groupOtherRead = UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode folder = OwnerFolder | groupOtherRead | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(dataDir, folder);
        foreach (var entry in new DirectoryInfo(dataDir).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            entry.UnixFileMode = entry is DirectoryInfo ? folder : OwnerFile | groupOtherRead;
        }
    }
}
