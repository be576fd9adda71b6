using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>The server renews its issuing CA itself once less remains of it than the longest certificate lifetime it issues.</summary>
public sealed class IssuingCaAutoRenewalTests
{
    [Fact]
    public async Task A_server_whose_issuing_CA_expires_before_its_longest_certificate_would_renews_it_and_issues_under_the_new_one()
    {
        // First run: an issuing CA of 100 days, shorter than the default label's 365-day certificates.
        var server = EstuaryTestServer.With(new Dictionary<string, string?>
        {
            ["Estuary:Ca:IssuingValidityDays"] = "100",
            ["Estuary:Ca:IssuingCheckInterval"] = "01:00:00",
        });
        await server.InitializeAsync();
        try
        {
            var ca = server.GetRequiredService<CertificateAuthority>();
            var refresh = server.GetRequiredService<IssuingCaRefreshService>();
            Assert.Equal(TimeSpan.FromDays(395), refresh.RenewBefore);
            using var basic = server.CreateClient(basicAuth: true);
            using var key = TestCsr.NewP256();
            using var clamped = await EstWire.EnrollAsync(basic, "CN=clamped", key);
            Assert.Equal(ca.Certificate.NotAfter, clamped.NotAfter); // never beyond its issuer (RFC 5280 §6.1.3)

            // A renewal would not last longer than the CA it replaces: nothing happens.
            Assert.False(refresh.Check());
            Assert.Equal("CN=Estuary Issuing CA, O=Estuary", ca.Certificate.Subject);

            // With the lifetime raised to ten years the next check renews, and the new CA issues full-length certificates.
            await server.StopAsync();
            server.Configuration["Estuary:Ca:IssuingValidityDays"] = "3650";
            await server.StartAsync();
            ca = server.GetRequiredService<CertificateAuthority>();
            Assert.True(server.GetRequiredService<IssuingCaRefreshService>().Check());
            Assert.Equal("CN=Estuary Issuing CA G2, O=Estuary", ca.Certificate.Subject);
            Assert.True(ca.Certificate.NotAfter > DateTime.UtcNow.AddDays(3600));
            Assert.Equal("CN=Estuary Issuing CA, O=Estuary", Assert.Single(ca.Previous).Certificate.Subject);
            Assert.False(server.GetRequiredService<IssuingCaRefreshService>().Check());

            using var renewedClient = server.CreateClient(basicAuth: true);
            using var full = await EstWire.EnrollAsync(renewedClient, "CN=full-length", key);
            Assert.Equal("CN=Estuary Issuing CA G2, O=Estuary", full.Issuer);
            Assert.True(full.NotAfter > DateTime.UtcNow.AddDays(360));

            using var files = new PkiFiles();
            var (code, output) = await Processes.RunAsync("openssl", $"verify -CAfile {files.Certificates("root.pem", server.RootCertificate)} -untrusted {files.Certificates("issuing.pem", ca.Certificate)} {files.Certificates("ee.pem", full)}");
            Assert.True(code == 0, output);
            Assert.False(File.Exists(Path.Combine(server.DataDir, IssuingCaRenewal.LockFile)));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Automatic_renewal_can_be_switched_off()
    {
        var server = EstuaryTestServer.With(new Dictionary<string, string?>
        {
            ["Estuary:Ca:IssuingValidityDays"] = "100",
            ["Estuary:Ca:AutoRenewIssuing"] = "false",
            ["Estuary:Ca:IssuingCheckInterval"] = "01:00:00",
        });
        await server.InitializeAsync();
        try
        {
            await server.StopAsync();
            server.Configuration["Estuary:Ca:IssuingValidityDays"] = "3650";
            await server.StartAsync();
            Assert.False(server.GetRequiredService<IssuingCaRefreshService>().Check());
            Assert.Equal("CN=Estuary Issuing CA, O=Estuary", server.GetRequiredService<CertificateAuthority>().Certificate.Subject);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
