using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>`estuary serve` refuses a configuration that names a removed setting, with exit code 2 and one line.</summary>
public sealed class ServeConfigurationTests
{
    [Fact]
    public async Task Serve_with_ClientCertificateSubjects_exits_2_and_names_the_replacement()
    {
        using var dir = new TempDir();
        var environment = new Dictionary<string, string> { ["Estuary__Admin__ClientCertificateSubjects__0"] = "CN=ops-admin, O=Estuary" };

        var (code, output) = await EstuaryCli.RunAsync($"serve --data-dir {dir["data"]} --listen https://127.0.0.1:0", environment);

        Assert.Equal(2, code);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith("estuary serve: ", StringComparison.Ordinal));
        Assert.Contains("ClientCertificateSubjects was removed", line, StringComparison.Ordinal);
        Assert.Contains("ClientCertificateFingerprints", line, StringComparison.Ordinal);
    }
}
