using System.Net;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>A root key change with `estuary ca rollover begin|finish`, checked by openssl as relying parties on either root would.</summary>
public sealed class CaRolloverCommandTests
{
    [Fact]
    public async Task Clients_trusting_either_root_validate_certificates_from_both_hierarchies_through_the_link_certificates()
    {
        var server = EstuaryTestServer.With(new Dictionary<string, string?>());
        await server.InitializeAsync();
        try
        {
            using var oldRoot = X509CertificateLoader.LoadCertificate(server.RootCertificate.RawData);
            using var oldIssuing = X509CertificateLoader.LoadCertificate(server.GetRequiredService<CertificateAuthority>().Certificate.RawData);
            using var oldKey = TestCsr.NewP256();
            using var oldCertificate = await EnrollAsync(server, "CN=before-rollover", oldKey);
            await server.StopAsync();

            var (code, output) = await EstuaryCli.RunAsync($"ca rollover begin --data-dir {server.DataDir} --root-subject \"CN=Estuary Root CA G2, O=Estuary\" --issuing-subject \"CN=Estuary Issuing CA G2, O=Estuary\"");
            Assert.True(code == 0, output);
            var (again, againOutput) = await EstuaryCli.RunAsync($"ca rollover begin --data-dir {server.DataDir}");
            Assert.Equal(2, again);
            Assert.Contains("already in progress", againOutput, StringComparison.Ordinal);

            server.Configuration["Estuary:Ca:IssueUnderNewRoot"] = "true";
            await server.StartAsync();
            using var client = server.CreateClient();
            using var cacerts = await client.GetAsync("cacerts");
            var published = await EstWire.ReadCertsAsync(cacerts);
            // new issuing CA, new root, old root, NewWithOld, OldWithNew, old issuing CA
            Assert.Equal(6, published.Count);
            Assert.Equal("CN=Estuary Issuing CA G2, O=Estuary", published[0].Subject);
            Assert.Contains(published, c => c.Subject == "CN=Estuary Root CA G2, O=Estuary" && c.Issuer == oldRoot.Subject); // NewWithOld
            Assert.Contains(published, c => c.Subject == oldRoot.Subject && c.Issuer == "CN=Estuary Root CA G2, O=Estuary"); // OldWithNew
            Assert.Contains(published, c => c.Thumbprint == oldRoot.Thumbprint);

            using var newKey = TestCsr.NewP256();
            using var newCertificate = await EnrollAsync(server, "CN=after-rollover", newKey);
            Assert.Equal("CN=Estuary Issuing CA G2, O=Estuary", newCertificate.Issuer);

            // A device holding the old certificate renews onto the new hierarchy.
            using var mtls = server.CreateClient(oldCertificate);
            using var renewed = await mtls.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=before-rollover", oldKey)));
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
            Assert.Equal("CN=Estuary Issuing CA G2, O=Estuary", Assert.Single(await EstWire.ReadCertsAsync(renewed)).Issuer);

            using var files = new PkiFiles();
            var newRoot = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(server.DataDir, RootRollover.NewRootCertificateFile)));
            var newWithOld = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(server.DataDir, RootRollover.NewWithOldFile)));
            var oldWithNew = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(server.DataDir, RootRollover.OldWithNewFile)));
            var newIssuing = published[0];

            // Old-root client, new certificate: ee -> new issuing -> NewWithOld -> old root.
            var (oldTrust, oldTrustOutput) = await Processes.RunAsync("openssl", $"verify -CAfile {files.Certificates("old-root.pem", oldRoot)} -untrusted {files.Certificates("u1.pem", newIssuing, newWithOld)} {files.Certificates("new-ee.pem", newCertificate)}");
            Assert.True(oldTrust == 0, oldTrustOutput);
            // Without the link it fails: the link is what carries the trust.
            var (noLink, _) = await Processes.RunAsync("openssl", $"verify -CAfile {files.Certificates("old-root.pem", oldRoot)} -untrusted {files.Certificates("u0.pem", newIssuing)} {files.Certificates("new-ee.pem", newCertificate)}");
            Assert.NotEqual(0, noLink);

            // New-root client, old (unexpired) certificate: ee -> old issuing -> OldWithNew -> new root.
            var (newTrust, newTrustOutput) = await Processes.RunAsync("openssl", $"verify -CAfile {files.Certificates("new-root.pem", newRoot)} -untrusted {files.Certificates("u2.pem", oldIssuing, oldWithNew)} {files.Certificates("old-ee.pem", oldCertificate)}");
            Assert.True(newTrust == 0, newTrustOutput);

            await server.StopAsync();
            var (finish, finishOutput) = await EstuaryCli.RunAsync($"ca rollover finish --data-dir {server.DataDir}");
            Assert.True(finish == 0, finishOutput);
            server.Configuration.Remove("Estuary:Ca:IssueUnderNewRoot");
            await server.StartAsync();
            Assert.Equal(newRoot.Thumbprint, server.RootCertificate.Thumbprint);
            using var after = server.CreateClient();
            using var finalCacerts = await after.GetAsync("cacerts");
            var final = await EstWire.ReadCertsAsync(finalCacerts);
            Assert.Equal(2, final.Count);
            Assert.Equal(newRoot.Thumbprint, final[1].Thumbprint);
            using var finalKey = TestCsr.NewP256();
            using var finalCertificate = await EnrollAsync(server, "CN=after-finish", finalKey);
            Assert.Equal("CN=Estuary Issuing CA G2, O=Estuary", finalCertificate.Issuer);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<X509Certificate2> EnrollAsync(EstuaryTestServer server, string subject, System.Security.Cryptography.ECDsa key)
    {
        using var basic = server.CreateClient(basicAuth: true);
        return await EstWire.EnrollAsync(basic, subject, key);
    }
}
