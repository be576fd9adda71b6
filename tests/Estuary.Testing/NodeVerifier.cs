using System.Security.Cryptography.X509Certificates;
using Xunit;

namespace Estuary.Testing;

/// <summary>
/// Runs one of the Node scripts in tests/node (the independent verifiers: @noble/post-quantum, asn1js; see
/// tests/node/README.md). test.sh installs their packages with `npm ci`; a missing install fails the test with the
/// command that makes it, never a skip.
/// </summary>
public static class NodeVerifier
{
    /// <summary>tests/node in the repository.</summary>
    public static string Folder => Path.Combine(RepositoryPaths.Root, "tests", "node");

    /// <summary>Runs `node SCRIPT ARGS…` in tests/node and returns its exit code and output (stdout then stderr).</summary>
    /// <exception cref="DirectoryNotFoundException">The packages are not installed.</exception>
    public static Task<(int ExitCode, string Output)> RunAsync(string script, params string[] arguments)
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "@noble", "post-quantum")))
        {
            throw new DirectoryNotFoundException($"the Node verifiers are not installed: run ./test.sh, or `npm ci` in {Folder}");
        }

        var quoted = string.Join(' ', arguments.Prepend(Path.Combine(Folder, script)).Select(Quote));
        return Processes.RunAsync("node", quoted, timeout: TimeSpan.FromMinutes(2), workingDirectory: Folder);
    }

    private static string Quote(string argument) => "\"" + argument.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// Checks with @noble/post-quantum (mldsa-verify.mjs) the ML-DSA signature of <paramref name="der"/> (kind: cert, crl,
    /// ocsp, …) by <paramref name="issuer"/>'s key; fails the test with the script's output otherwise. Returns that output.
    /// </summary>
    public static async Task<string> VerifiesMlDsaAsync(PkiFiles files, string kind, byte[] der, X509Certificate2 issuer)
    {
        var file = files.File_(Guid.NewGuid().ToString("N") + ".der");
        var issuerFile = files.File_(Guid.NewGuid().ToString("N") + ".der");
        await File.WriteAllBytesAsync(file, der);
        await File.WriteAllBytesAsync(issuerFile, issuer.RawData);
        var (code, output) = await RunAsync("mldsa-verify.mjs", kind, file, issuerFile);
        Assert.True(code == 0, output);
        Assert.Contains("verified: " + kind, output, StringComparison.Ordinal);
        return output;
    }
}
