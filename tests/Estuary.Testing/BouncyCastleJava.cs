namespace Estuary.Testing;

/// <summary>
/// Compiles and runs small Java test clients against Debian's Bouncy Castle 1.72 jars (libbcprov-java,
/// libbcpkix-java, libbcutil-java, libbctls-java), as ../shared/interop/run-interop.sh does.
/// </summary>
public static class BouncyCastleJava
{
    public const string ClassPathJars = "/usr/share/java/bcprov.jar:/usr/share/java/bcpkix.jar:/usr/share/java/bcutil.jar:/usr/share/java/bctls.jar";

    /// <summary>Compiles <paramref name="sourceFile"/> into a fresh folder and returns that folder.</summary>
    public static async Task<string> CompileAsync(string sourceFile)
    {
        var output = Path.Combine(Path.GetTempPath(), "estuary-java-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(output);
        var (code, text) = await Processes.RunAsync("javac", $"-nowarn -cp {ClassPathJars} -d {output} {sourceFile}", timeout: TimeSpan.FromMinutes(3));
        if (code != 0)
        {
            throw new InvalidOperationException($"javac {sourceFile} failed:\n{text}");
        }

        return output;
    }

    /// <summary>Runs a compiled class: java -cp CLASSES:jars MAIN ARGS.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string classes, string mainClass, string arguments, TimeSpan? timeout = null) =>
        Processes.RunAsync("java", $"-cp {classes}:{ClassPathJars} {mainClass} {arguments}", timeout: timeout ?? TimeSpan.FromMinutes(2));
}
