using Estuary.Client;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>The real `estuary` executable (Program.cs wiring) run as a process with `dotnet estuary.dll`.</summary>
public sealed class ProcessTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    private static string Estuary => Path.Combine(AppContext.BaseDirectory, "estuary.dll");

    [Fact]
    public async Task The_executable_lists_every_client_verb()
    {
        var (code, output) = await Processes.RunAsync("dotnet", $"{Estuary} --help");

        Assert.True(code == 0, output);
        foreach (var verb in new[] { "serve", "cacerts", "csrattrs", "enroll", "reenroll", "serverkeygen", "renew" })
        {
            Assert.Contains(verb, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Enroll_then_cacerts_run_as_processes_with_the_password_from_the_environment()
    {
        using var dir = new TempDir();
        var env = new Dictionary<string, string> { ["ESTUARY_PASSWORD"] = server.EstPassword, ["ESTUARY_SERVER"] = server.BaseUri.GetLeftPart(UriPartial.Authority) };

        var (code, output) = await Processes.RunAsync("dotnet", $"{Estuary} enroll --cacert {server.RootCertificatePath} --user {server.EstUsername} --cn process-device --out-dir {dir.Path}", env);
        Assert.True(code == 0, output);
        Assert.True(File.Exists(dir["key.pem"]));

        (code, output) = await Processes.RunAsync("dotnet", $"{Estuary} cacerts --cacert {server.RootCertificatePath} --out {dir["ca.pem"]}", env);
        Assert.True(code == 0, output);
        Assert.Contains(TrustFingerprint.Normalize(TrustFingerprint.Of(server.RootCertificate)), output, StringComparison.Ordinal);
    }
}
