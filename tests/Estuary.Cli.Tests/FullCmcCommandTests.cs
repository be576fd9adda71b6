using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>`estuary fullcmc` and `estuary fullcmc revoke` against the real Estuary server over real TLS.</summary>
public sealed class FullCmcCommandTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    private string[] Common(params string[] more) => ["--server", server.BaseUri.GetLeftPart(UriPartial.Authority), "--cacert", server.RootCertificatePath, .. more];

    private string[] Basic(params string[] more) => Common(["--user", server.EstUsername, "--password", server.EstPassword, .. more]);

    private IEstuaryStore Store => server.GetRequiredService<IEstuaryStore>();

    [Fact]
    public async Task Fullcmc_enrolls_and_writes_a_key_and_a_certificate_that_openssl_verifies()
    {
        using var dir = new TempDir();

        var r = await Cli.RunAsync(["fullcmc", .. Basic("--cn", "cmc-device", "--dns", "cmc-device.example", "--out-dir", dir.Path, "--json")]);

        Assert.True(r.ExitCode == 0, r.ToString());
        using var json = JsonDocument.Parse(r.Output);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir["key.pem"]));
        var (code, output) = await Processes.RunAsync("openssl", $"verify -CAfile {server.RootCertificatePath} -untrusted {dir["chain.pem"]} {dir["cert.pem"]}");
        Assert.True(code == 0, output);
        using var cert = X509Certificate2.CreateFromPemFile(dir["cert.pem"], dir["key.pem"]);
        Assert.Equal("CN=cmc-device", cert.Subject);
        Assert.Equal("fullcmc", (await Store.FindCertificateAsync(cert.SerialNumber, default))!.Operation);
    }

    [Fact]
    public async Task Fullcmc_revoke_with_the_client_certificate_revokes_it_for_the_reason_given()
    {
        using var dir = new TempDir();
        Assert.Equal(0, (await Cli.RunAsync(["fullcmc", .. Basic("--cn", "cmc-leaving", "--out-dir", dir.Path)])).ExitCode);
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(dir["cert.pem"]));

        var r = await Cli.RunAsync(["fullcmc", "revoke", .. Common("--cert", dir["cert.pem"], "--key", dir["key.pem"], "--reason", "cessationOfOperation")]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"Revoked: serial {cert.SerialNumber} revoked (cessationOfOperation)", r.Output, StringComparison.Ordinal);
        var record = await Store.FindCertificateAsync(cert.SerialNumber, default);
        Assert.Equal((int)X509RevocationReason.CessationOfOperation, record!.RevocationReason);
    }

    [Fact]
    public async Task Fullcmc_revoke_of_an_unknown_serial_exits_1_and_reports_the_CMC_failInfo()
    {
        using var dir = new TempDir();
        Assert.Equal(0, (await Cli.RunAsync(["fullcmc", .. Basic("--cn", "cmc-signer", "--out-dir", dir.Path)])).ExitCode);

        var r = await Cli.RunAsync(["fullcmc", "revoke", .. Common("--cert", dir["cert.pem"], "--key", dir["key.pem"], "--serial", "7F00DEADBEEF", "--reason", "keyCompromise", "--json")]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("failed (badCertId)", r.Error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(r.Output);
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("badCertId", json.RootElement.GetProperty("failInfo").GetString());
    }

    [Fact]
    public async Task Fullcmc_revoke_checks_its_arguments_before_any_network_traffic()
    {
        var noCert = await Cli.RunAsync(["fullcmc", "revoke", .. Common("--reason", "keyCompromise")]);
        var badReason = await Cli.RunAsync(["fullcmc", "revoke", .. Common("--cert", "/nonexistent/cert.pem", "--key", "/nonexistent/key.pem", "--reason", "certificateHold")]);

        Assert.Equal(2, noCert.ExitCode);
        Assert.Contains("--cert FILE --key FILE", noCert.Error, StringComparison.Ordinal);
        Assert.Equal(2, badReason.ExitCode);
        Assert.Contains("--reason certificateHold: use one of", badReason.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fullcmc_help_names_the_revoke_subcommand_and_the_enrollment_flags()
    {
        var r = await Cli.RunAsync("fullcmc", "--help");
        var revoke = await Cli.RunAsync("fullcmc", "revoke", "--help");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("revoke", r.Output, StringComparison.Ordinal);
        Assert.Contains("--subject", r.Output, StringComparison.Ordinal);
        Assert.Contains("--serial", revoke.Output, StringComparison.Ordinal);
        Assert.Contains("keyCompromise", revoke.Output, StringComparison.Ordinal);
    }
}
