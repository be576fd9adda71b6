using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>What people read fits 80 columns: cacerts, enroll and `approvals list` (long names are shortened, --json has them whole).</summary>
public sealed class OutputWidthTests : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:held-for-a-long-while:RequireApproval"] = "true",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    private static void AssertFits(string output)
    {
        Assert.NotEmpty(output.Trim());
        var wide = output.Split('\n').Where(l => l.TrimEnd('\r').Length > 80).ToList();
        Assert.True(wide.Count == 0, "wider than 80 columns:\n" + string.Join('\n', wide));
    }

    [Fact]
    public async Task Cacerts_and_enroll_print_within_80_columns()
    {
        using var dir = new TempDir();
        string[] common = ["--server", _server.BaseUri.GetLeftPart(UriPartial.Authority), "--cacert", _server.RootCertificatePath];

        var cacerts = await Cli.RunAsync(["cacerts", .. common, "--out", dir["ca.pem"]]);
        var enroll = await Cli.RunAsync(["enroll", .. common, "--user", _server.EstUsername, "--password", _server.EstPassword, "--cn", "a-device-with-a-rather-long-name.example.net", "--out-dir", dir["out"]]);

        Assert.True(cacerts.ExitCode == 0, cacerts.ToString());
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
        AssertFits(cacerts.Output);
        AssertFits(enroll.Output);
    }

    [Fact]
    public async Task Approvals_list_fits_80_columns_and_its_json_keeps_every_field_whole()
    {
        var subject = "CN=a-device-with-a-rather-long-name.example.net, OU=Building 7 Floor 3, O=Example";
        using var client = _server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        (await client.PostAsync("held-for-a-long-while/simpleenroll", EstWire.Pkcs10(TestCsr.Create(subject, key)))).Dispose();

        var (code, table) = await EstuaryCli.RunAsync($"approvals list --data-dir {_server.DataDir}");
        var (jsonCode, json) = await EstuaryCli.RunAsync($"approvals list --json --data-dir {_server.DataDir}");

        Assert.True(code == 0, table);
        AssertFits(table);
        Assert.Contains("pending", table, StringComparison.Ordinal);
        Assert.Contains("…", table, StringComparison.Ordinal);
        Assert.True(jsonCode == 0, json);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var request = Assert.Single(document.RootElement.GetProperty("requests").EnumerateArray());
        Assert.Equal("held-for-a-long-while", request.GetProperty("label").GetString());
        Assert.Equal("pending", request.GetProperty("status").GetString());
        Assert.Contains("OU=Building 7 Floor 3", request.GetProperty("subject").GetString(), StringComparison.Ordinal);
    }
}
