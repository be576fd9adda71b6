namespace Estuary.Testing;

/// <summary>Runs the real `estuary` program (src/Estuary.Cli, built in the same configuration as the tests).</summary>
public static class EstuaryCli
{
    public static string DllPath
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(RepositoryPaths.Root, "src", "Estuary.Cli", "bin", configuration, "net10.0", "estuary.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("build src/Estuary.Cli first", path);
        }
    }

    public static Task<(int ExitCode, string Output)> RunAsync(string arguments, IDictionary<string, string>? environment = null) =>
        Processes.RunAsync("dotnet", $"\"{DllPath}\" {arguments}", environment);
}
