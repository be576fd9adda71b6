using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>
/// The client as a dotnet tool (packaging/build-tool.sh): packed, installed from a local folder with
/// `dotnet tool install`, and run against a real server.
/// </summary>
// One at a time: both run dotnet publish/pack on src/Estuary.Cli, which share its obj/ folder.
[Collection("Packaging")]
public sealed class DotnetToolTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    [Fact]
    public async Task The_tool_package_installs_from_a_folder_and_its_estuary_fetches_the_CA_certificates()
    {
        using var dir = new TempDir();
        var feed = Directory.CreateDirectory(dir["feed"]).FullName;
        var tools = dir["tools"];
        // A NuGet cache of its own: the installed package is the one just packed, never an older copy of the same
        // version from ~/.nuget/packages; and nothing is left behind.
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = dir["nuget"] };
        // The tests run on the Release build (as CI does), so the script packs that build instead of rebuilding it.
        var noBuild = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "--no-build " : "";

        var pack = await Processes.RunAsync("bash", $"\"{Path.Combine(RepositoryPaths.Root, "packaging", "build-tool.sh")}\" --out \"{feed}\" {noBuild}0.0.0~tooltest", environment, TimeSpan.FromMinutes(10));
        Assert.True(pack.ExitCode == 0, pack.Output);
        Assert.True(File.Exists(Path.Combine(feed, "Estuary.Cli.0.0.0-tooltest.nupkg")), pack.Output);

        var install = await Processes.RunAsync("dotnet", $"tool install Estuary.Cli --version 0.0.0-tooltest --tool-path \"{tools}\" --source \"{feed}\"", environment, TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, install.Output);

        // The tool's launcher finds the runtime through DOTNET_ROOT: the one running these tests.
        var run = new Dictionary<string, string> { ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")) };
        var estuary = Path.Combine(tools, "estuary");
        var help = await Processes.RunAsync(estuary, "--help", run);
        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Contains("enroll", help.Output, StringComparison.Ordinal);
        Assert.Contains("serve", help.Output, StringComparison.Ordinal);

        var cacerts = await Processes.RunAsync(estuary, $"cacerts --server {server.BaseUri.GetLeftPart(UriPartial.Authority)} --cacert \"{server.RootCertificatePath}\" --out \"{dir["ca.pem"]}\"", run);

        Assert.True(cacerts.ExitCode == 0, cacerts.Output);
        var saved = new X509Certificate2Collection();
        saved.ImportFromPemFile(dir["ca.pem"]);
        Assert.Contains(saved, c => c.Thumbprint == server.RootCertificate.Thumbprint);
    }
}
