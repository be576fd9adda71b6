using System.Security.Cryptography.X509Certificates;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>`estuary ca revoke` as an operator runs it, against the data folder of a running server.</summary>
public sealed class CaRevokeCommandTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    [Fact]
    public async Task Ca_revoke_records_the_reason_and_the_running_server_lists_it_in_its_next_CRL()
    {
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var certificate = await EstWire.EnrollAsync(basic, "CN=cli-revoked", key);

        var (code, output) = await EstuaryCli.RunAsync($"ca revoke {certificate.SerialNumber} --reason keyCompromise --data-dir {server.DataDir}");

        Assert.True(code == 0, output);
        Assert.Contains($"revoked serial {certificate.SerialNumber}", output, StringComparison.Ordinal);
        var store = server.GetRequiredService<IEstuaryStore>();
        Assert.Equal((int)X509RevocationReason.KeyCompromise, (await store.FindCertificateAsync(certificate.SerialNumber, default))!.RevocationReason);
        Assert.Contains(await store.ListAuditAsync(20, default), a => a.Kind == "certificate.revoked" && a.Actor.StartsWith("cli:", StringComparison.Ordinal));

        // What the server's periodic recheck does: the CRL now lists the serial.
        var crl = await server.GetRequiredService<CrlPublisher>().RefreshAsync(default);
        CertificateRevocationListBuilder.Load(crl.Der, out _);
        using var files = new PkiFiles();
        var (_, text) = await Processes.RunAsync("openssl", $"crl -in {files.Crl("c.pem", crl.Der)} -noout -text");
        Assert.Contains(certificate.SerialNumber, text, StringComparison.Ordinal);
        Assert.Contains("Key Compromise", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ca_revoke_refuses_an_unknown_reason_and_an_unknown_serial_with_a_message()
    {
        var (badReason, reasonOutput) = await EstuaryCli.RunAsync($"ca revoke 01 --reason forgot --data-dir {server.DataDir}");
        var (unknown, unknownOutput) = await EstuaryCli.RunAsync($"ca revoke 0123456789 --reason superseded --data-dir {server.DataDir}");

        Assert.Equal(2, badReason);
        Assert.Contains("unknown reason 'forgot'", reasonOutput, StringComparison.Ordinal);
        Assert.Equal(3, unknown);
        Assert.Contains("no certificate with serial 0123456789", unknownOutput, StringComparison.Ordinal);
    }
}
