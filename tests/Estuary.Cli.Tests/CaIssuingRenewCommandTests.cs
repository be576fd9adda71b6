using System.Net;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Protocol.Asn1;
using Estuary.Ra;
using Estuary.Server;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>
/// `estuary ca issuing renew` against a running server: it takes the new issuing CA up without a restart, and
/// relying parties (openssl verify, openssl ocsp) keep checking certificates of both issuing CAs.
/// </summary>
public sealed class CaIssuingRenewCommandTests
{
    internal const string NewIssuingSubject = "CN=Estuary Issuing CA G2, O=Estuary";

    [Fact]
    public async Task A_running_server_issues_under_the_renewed_CA_and_serves_revocation_for_both_issuing_CAs()
    {
        // The periodic check is an hour away: the test drives it, so nothing depends on timing.
        var server = EstuaryTestServer.With(new Dictionary<string, string?> { ["Estuary:Ca:IssuingCheckInterval"] = "01:00:00" });
        await server.InitializeAsync();
        try
        {
            await RenewAndCheckAsync(server, new Dictionary<string, string>());

            // A restart loads the previous CA from the folder: /cacerts still carries it.
            await server.StopAsync();
            await server.StartAsync();
            using var client = server.CreateClient();
            using var cacerts = await client.GetAsync("cacerts");
            var published = await EstWire.ReadCertsAsync(cacerts);
            Assert.Equal([NewIssuingSubject, "CN=Estuary Root CA, O=Estuary", "CN=Estuary Issuing CA, O=Estuary"], published.Select(c => c.Subject));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Renewing_refuses_a_subject_already_in_use_and_a_folder_without_a_CA()
    {
        var server = EstuaryTestServer.With(new Dictionary<string, string?>());
        await server.InitializeAsync();
        try
        {
            await server.StopAsync();
            var (same, sameOutput) = await EstuaryCli.RunAsync($"ca issuing renew --data-dir {server.DataDir} --subject \"CN=Estuary Issuing CA, O=Estuary\"");
            Assert.Equal(2, same);
            Assert.Contains("its own", sameOutput, StringComparison.Ordinal);

            var (empty, emptyOutput) = await EstuaryCli.RunAsync($"ca issuing renew --data-dir {Path.Combine(server.DataDir, "nothing-here")}");
            Assert.Equal(2, empty);
            Assert.Contains("no CA in", emptyOutput, StringComparison.Ordinal);

            var (named, namedOutput) = await EstuaryCli.RunAsync($"ca issuing renew --data-dir {server.DataDir} --subject \"CN=Devices 2027, O=Estuary\"");
            Assert.True(named == 0, namedOutput);
            var (list, listOutput) = await EstuaryCli.RunAsync($"ca issuing list --data-dir {server.DataDir}");
            Assert.True(list == 0, listOutput);
            Assert.Contains("current   CN=Devices 2027, O=Estuary", listOutput, StringComparison.Ordinal);
            Assert.Contains("previous  CN=Estuary Issuing CA, O=Estuary", listOutput, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    internal static async Task RenewAndCheckAsync(EstuaryTestServer server, IDictionary<string, string> environment)
    {
        var ca = server.GetRequiredService<CertificateAuthority>();
        using var oldIssuing = X509CertificateLoader.LoadCertificate(ca.Certificate.RawData);
        var oldKeyId = ca.KeyIdentifierHex;
        using var revokedKey = TestCsr.NewP256();
        using var oldRevoked = await EnrollAsync(server, "CN=old-to-revoke", revokedKey);
        using var renewingKey = TestCsr.NewP256();
        using var oldRenewing = await EnrollAsync(server, "CN=old-to-renew", renewingKey);

        var (code, output) = await EstuaryCli.RunAsync($"ca issuing renew --data-dir {server.DataDir}", environment);
        Assert.True(code == 0, output);
        Assert.Contains(NewIssuingSubject, output, StringComparison.Ordinal);

        // The running server takes the new CA up from the folder (what its periodic check does).
        Assert.True(server.GetRequiredService<IssuingCaRefreshService>().Check());
        Assert.Equal(NewIssuingSubject, ca.Certificate.Subject);
        Assert.NotEqual(oldKeyId, ca.KeyIdentifierHex);
        using var newIssuing = X509CertificateLoader.LoadCertificate(ca.Certificate.RawData);
        Assert.Equal(server.RootCertificate.Subject, newIssuing.Issuer);

        // /cacerts: the new issuing CA first, the root, and the old issuing CA while its certificates live.
        using var client = server.CreateClient();
        using var cacerts = await client.GetAsync("cacerts");
        var published = await EstWire.ReadCertsAsync(cacerts);
        Assert.Equal([newIssuing.Thumbprint, server.RootCertificate.Thumbprint, oldIssuing.Thumbprint], published.Select(c => c.Thumbprint));

        using var newKey = TestCsr.NewP256();
        using var fresh = await EnrollAsync(server, "CN=after-renewal", newKey);
        Assert.Equal(NewIssuingSubject, fresh.Issuer);
        Assert.Contains($"/crl/{ca.KeyIdentifierHex}.crl", fresh.Extensions[Oids.CrlDistributionPoints]!.Format(false), StringComparison.Ordinal);

        // A device with a certificate of the old CA re-enrolls and gets one of the new CA.
        using var mtls = server.CreateClient(oldRenewing);
        using var reenrolled = await mtls.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=old-to-renew", renewingKey)));
        Assert.Equal(HttpStatusCode.OK, reenrolled.StatusCode);
        using var renewed = Assert.Single(await EstWire.ReadCertsAsync(reenrolled));
        Assert.Equal(NewIssuingSubject, renewed.Issuer);

        using var files = new PkiFiles();
        var root = files.Certificates("root.pem", server.RootCertificate);
        var oldCa = files.Certificates("old-issuing.pem", oldIssuing);
        var newCa = files.Certificates("new-issuing.pem", newIssuing);
        var freshPem = files.Certificates("fresh.pem", fresh);
        var renewedPem = files.Certificates("renewed.pem", renewed);
        var oldRevokedPem = files.Certificates("old-revoked.pem", oldRevoked);
        var oldRenewingPem = files.Certificates("old-renewing.pem", oldRenewing);
        foreach (var (pem, issuer) in new[] { (freshPem, newCa), (renewedPem, newCa), (oldRevokedPem, oldCa), (oldRenewingPem, oldCa) })
        {
            var (verify, verifyOutput) = await Processes.RunAsync("openssl", $"verify -CAfile {root} -untrusted {issuer} {pem}");
            Assert.True(verify == 0, verifyOutput);
        }

        var revocation = server.GetRequiredService<RevocationService>();
        Assert.True((await revocation.RevokeAsync(oldRevoked.SerialNumber, X509RevocationReason.KeyCompromise, "test", default)).IsSuccess);
        Assert.True((await revocation.RevokeAsync(fresh.SerialNumber, X509RevocationReason.Superseded, "test", default)).IsSuccess);

        // One CRL per issuing CA, each at the URL its certificates name; issuing.crl is the current CA's.
        var oldCrl = files.Crl("old.crl.pem", await GetCrlAsync(client, $"/crl/{oldKeyId}.crl"));
        var newCrl = files.Crl("new.crl.pem", await GetCrlAsync(client, $"/crl/{ca.KeyIdentifierHex}.crl"));
        var currentCrl = files.Crl("current.crl.pem", await GetCrlAsync(client, "/crl/issuing.crl"));
        await AssertRevokedByCrlAsync(root, oldCa, oldCrl, oldRevokedPem);
        await AssertRevokedByCrlAsync(root, newCa, newCrl, freshPem);
        await AssertRevokedByCrlAsync(root, newCa, currentCrl, freshPem);
        var (good, goodOutput) = await Processes.RunAsync("openssl", $"verify -crl_check -CAfile {root} -untrusted {oldCa} -CRLfile {oldCrl} {oldRenewingPem}");
        Assert.True(good == 0, goodOutput);
        var (goodNew, goodNewOutput) = await Processes.RunAsync("openssl", $"verify -crl_check -CAfile {root} -untrusted {newCa} -CRLfile {newCrl} {renewedPem}");
        Assert.True(goodNew == 0, goodNewOutput);

        // OCSP answers for both issuing CAs, each signed by that CA's own delegated responder.
        var ocspUrl = server.BaseUri.GetLeftPart(UriPartial.Authority) + "/ocsp";
        await AssertOcspAsync(ocspUrl, root, oldCa, oldRevokedPem, "revoked");
        await AssertOcspAsync(ocspUrl, root, oldCa, oldRenewingPem, "good");
        await AssertOcspAsync(ocspUrl, root, newCa, freshPem, "revoked");
        await AssertOcspAsync(ocspUrl, root, newCa, renewedPem, "good");
    }

    private static async Task AssertRevokedByCrlAsync(string root, string issuer, string crl, string certificate)
    {
        var (code, output) = await Processes.RunAsync("openssl", $"verify -crl_check -CAfile {root} -untrusted {issuer} -CRLfile {crl} {certificate}");
        Assert.NotEqual(0, code);
        Assert.Contains("certificate revoked", output, StringComparison.Ordinal);
    }

    private static async Task AssertOcspAsync(string url, string root, string issuer, string certificate, string status)
    {
        var (code, output) = await Processes.RunAsync("openssl", $"ocsp -issuer {issuer} -cert {certificate} -url {url} -CAfile {root}");
        Assert.True(code == 0, output);
        Assert.Contains("Response verify OK", output, StringComparison.Ordinal);
        Assert.Contains($"{certificate}: {status}", output, StringComparison.Ordinal);
    }

    private static async Task<byte[]> GetCrlAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(client.BaseAddress!, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<X509Certificate2> EnrollAsync(EstuaryTestServer server, string subject, System.Security.Cryptography.ECDsa key)
    {
        using var basic = server.CreateClient(basicAuth: true);
        return await EstWire.EnrollAsync(basic, subject, key);
    }
}
