using System.Text;

namespace Estuary.Ca;

/// <summary>
/// Writes files and folders of the data folder: files created 0600 and moved into place atomically, folders created
/// 0700. Certificates are 0600 too: nothing but the server reads the data folder (see <see cref="DataFolder"/>).
/// </summary>
public static class SecureFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Writes <paramref name="contents"/> to a 0600 file.</summary>
    public static void WriteAllText(string path, string contents)
    {
        var temporary = path + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            var bytes = Encoding.UTF8.GetBytes(contents);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// The former signature, kept so that callers written before every data-folder file became 0600 still build;
    /// <paramref name="secret"/> no longer changes anything.
    /// </summary>
    public static void WriteAllText(string path, string contents, bool secret)
    {
        _ = secret;
        WriteAllText(path, contents);
    }

    /// <summary>Creates a folder (and missing parents) 0700; an existing folder is left as it is.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyFolder);
        }
    }

    /// <summary>Creation options for a 0600 file opened as a stream (lock files).</summary>
    public static FileStreamOptions OwnerOnly(FileStreamOptions options)
    {
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        return options;
    }
}
