using System.Security.Cryptography.X509Certificates;
using Estuary.Client;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// The start-up banner names what an operator hands to clients: the root's SHA-256 fingerprint in the form
/// `estuary cacerts --trust-fingerprint` accepts, and the TLS certificate's host names.
/// </summary>
public sealed class BannerTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    [Fact]
    public async Task The_banner_fingerprint_is_the_roots_and_bootstraps_the_real_client()
    {
        var line = Assert.Single(server.StartupOutput.Split('\n'), l => l.TrimStart().StartsWith("root SHA-256", StringComparison.Ordinal));
        var printed = line.Trim()["root SHA-256".Length..].Trim();
        Assert.Equal(TrustFingerprint.Of(server.RootCertificate), printed);

        var output = Path.Combine(server.DataDir, "bootstrapped-ca.pem");
        var (code, text) = await EstuaryCli.RunAsync($"cacerts --server {server.BaseUri.GetLeftPart(UriPartial.Authority)} --trust-fingerprint {printed} --out {output}");
        Assert.True(code == 0, text);
        var received = new X509Certificate2Collection();
        received.ImportFromPemFile(output);
        Assert.Contains(received, c => c.RawData.AsSpan().SequenceEqual(server.RootCertificate.RawData));
    }

    [Fact]
    public void The_banner_names_the_TLS_host_names()
    {
        var line = Assert.Single(server.StartupOutput.Split('\n'), l => l.TrimStart().StartsWith("TLS names", StringComparison.Ordinal));
        Assert.Contains("localhost", line, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_terminal_the_banner_names_the_credentials_file_not_the_passwords()
    {
        Assert.DoesNotContain(server.EstPassword, server.StartupOutput, StringComparison.Ordinal);
        Assert.Contains($"password in {Path.Combine(server.DataDir, InitialCredentials.FileName)}", server.StartupOutput, StringComparison.Ordinal);
    }
}
