using System.Runtime.InteropServices;

namespace Estuary.Testing;

/// <summary>
/// A fresh SoftHSM2 token in a temporary folder (its own SOFTHSM2_CONF), initialised with softhsm2-util.
/// SoftHSM reads SOFTHSM2_CONF when the module is initialised, so the variable is set for this process too:
/// tests using it belong in one collection and never hold two tokens at once.
/// </summary>
public sealed class SoftHsmToken : IDisposable
{
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";

    private SoftHsmToken(string directory, string label)
    {
        Directory = directory;
        Label = label;
    }

    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "softhsm2.conf");

    public string Label { get; }

    public string Pin { get; } = "1234-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>SOFTHSM2_CONF for child processes (the CLI).</summary>
    public IDictionary<string, string> Environment => new Dictionary<string, string> { ["SOFTHSM2_CONF"] = ConfigPath };

    public static async Task<SoftHsmToken> CreateAsync(string label = "estuary-test")
    {
        var directory = Path.Combine(Path.GetTempPath(), "estuary-softhsm-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "tokens"));
        var token = new SoftHsmToken(directory, label);
        await File.WriteAllTextAsync(token.ConfigPath, $"directories.tokendir = {Path.Combine(directory, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        // The module reads the variable with getenv(3): set it in the native environment, not only .NET's copy.
        System.Environment.SetEnvironmentVariable("SOFTHSM2_CONF", token.ConfigPath);
        _ = NativeMethods.setenv("SOFTHSM2_CONF", token.ConfigPath, 1);
        var (code, output) = await Processes.RunAsync("softhsm2-util", $"--init-token --free --label {label} --pin {token.Pin} --so-pin 5678-so", token.Environment);
        if (code != 0)
        {
            throw new InvalidOperationException("softhsm2-util --init-token failed: " + output);
        }

        return token;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable CA2101, SYSLIB1054 // ASCII paths; a test helper
        public static extern int setenv(string name, string value, int overwrite);
#pragma warning restore CA2101, SYSLIB1054
    }
}
