using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>The .deb built once per test run by packaging/build-deb.sh, into a throwaway folder.</summary>
public sealed class DebianPackageFixture : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("estuary-deb-").FullName;

    /// <summary>The path of estuary_VERSION_amd64.deb.</summary>
    public string Deb { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var script = Path.Combine(RepositoryPaths.Root, "packaging", "build-deb.sh");
        // A self-contained publish for linux-x64 (runtime packs restored from the registry) plus dpkg-deb.
        var (exitCode, output) = await Processes.RunAsync("bash", $"\"{script}\" --out \"{_folder}\"", timeout: TimeSpan.FromMinutes(15));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"packaging/build-deb.sh exited {exitCode}:\n{output}");
        }

        Deb = Directory.GetFiles(_folder, "estuary_*_amd64.deb").Single();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
