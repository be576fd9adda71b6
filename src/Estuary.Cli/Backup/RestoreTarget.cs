using Estuary.Ca;

namespace Estuary.Cli.Backup;

/// <summary>
/// The folder a restore writes: new or empty (a restore never merges into, or overwrites, a data folder), 0700, its
/// files created 0600 and never over an existing one. It remembers what it created, so a failure half-way removes
/// exactly that and leaves nothing behind.
/// </summary>
internal sealed class RestoreTarget
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly List<string> _files = [];
    private readonly List<string> _folders = [];

    private RestoreTarget(string path) => Path = path;

    public string Path { get; }

    /// <exception cref="BackupRefusedException">The folder exists and is not empty, or is a file.</exception>
    public static RestoreTarget Check(string path)
    {
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        if (File.Exists(full))
        {
            throw new BackupRefusedException($"{full} is a file; --data-dir names the folder to restore into");
        }

        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new BackupRefusedException($"{full} is not empty; restore into a new or empty folder");
        }

        return new RestoreTarget(full);
    }

    /// <summary>Creates the folder (0700, or tightens an existing empty one) and sets umask 077 for this process.</summary>
    public void Create(TextWriter report)
    {
        CreateFolders(Path);

        DataFolder.Secure(Path, report);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path, OwnerOnlyFolder);
        }
    }

    /// <summary>A new 0600 file for <paramref name="destination"/> (under <see cref="Path"/>), its folders created 0700.</summary>
    public FileStream CreateFile(string destination)
    {
        CreateFolders(System.IO.Path.GetDirectoryName(destination)!);
        var stream = StagingFolder.Create(destination); // CreateNew: never over an existing file
        _files.Add(destination);
        return stream;
    }

    /// <summary>Removes every file and folder this restore created (the target folder too, if it created it).</summary>
    public void Undo()
    {
        foreach (var file in Enumerable.Reverse(_files))
        {
            TryDelete(() => File.Delete(file));
        }

        foreach (var folder in Enumerable.Reverse(_folders))
        {
            TryDelete(() => Directory.Delete(folder));
        }
    }

    private void CreateFolders(string folder)
    {
        if (Directory.Exists(folder))
        {
            return;
        }

        var parent = System.IO.Path.GetDirectoryName(folder);
        if (parent is not null)
        {
            CreateFolders(parent);
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
        }

        _folders.Add(folder);
    }

    private static void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort; the error that caused the undo is what the operator sees.
        }
    }
}
