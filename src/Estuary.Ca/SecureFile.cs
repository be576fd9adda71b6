using System.Text;

namespace Estuary.Ca;

/// <summary>Writes files that hold secrets: created with mode 0600, then moved into place atomically.</summary>
public static class SecureFile
{
    public static void WriteAllText(string path, string contents, bool secret)
    {
        var temporary = path + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = secret
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        using (var stream = new FileStream(temporary, options))
        {
            var bytes = Encoding.UTF8.GetBytes(contents);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
