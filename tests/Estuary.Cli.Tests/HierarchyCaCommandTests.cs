using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Protocol.Asn1;
using Estuary.Ra;
using Estuary.Server;
using Estuary.Testing;
using Org.BouncyCastle.Ocsp;
using Xunit;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Estuary.Cli.Tests;

/// <summary>
/// `estuary ca issuing renew --hierarchy NAME` and `estuary ca rollover begin|finish --hierarchy NAME` on an ML-DSA-65
/// hierarchy: the label issues under the new CA, certificates of the old one keep CRL and OCSP answers signed by their
/// own issuer, and every new signature (root, links, issuing CAs, end entities, CRL, OCSP) verifies under
/// @noble/post-quantum (tests/node/mldsa-verify.mjs).
/// </summary>
public sealed class HierarchyCaCommandTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["Estuary__Ca__Hierarchies__pqc__KeyAlgorithm"] = "ML-DSA-65",
        ["Estuary__Ca__Hierarchies__other__KeyAlgorithm"] = "ML-DSA-44",
    };

    [Fact]
    public async Task An_unknown_hierarchy_exits_2_with_one_line_naming_the_configured_ones_and_changes_nothing()
    {
        using var dir = new TempDir();
        foreach (var verb in new[] { "ca issuing renew", "ca issuing list", "ca rollover begin", "ca rollover finish" })
        {
            var (code, output) = await EstuaryCli.RunAsync($"{verb} --data-dir {dir["data"]} --hierarchy nope", Environment);

            Assert.True(code == 2, verb + ": " + output);
            var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.Contains("'nope'", line, StringComparison.Ordinal);
            Assert.Contains("configured: other, pqc", line, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(dir["data"]));
    }

    [Fact]
    public async Task Renewal_then_rollover_of_an_ML_DSA_hierarchy_issue_under_the_new_CAs_and_keep_revocation_for_the_old()
    {
        var server = EstuaryTestServer.With(new Dictionary<string, string?>
        {
            ["Estuary:Ca:IssuingCheckInterval"] = "01:00:00",
            ["Estuary:Ca:Hierarchies:pqc:KeyAlgorithm"] = "ML-DSA-65",
            ["Estuary:Labels:pqc:Hierarchy"] = "pqc",
            ["Estuary:Labels:pqc:AllowedKeys:0"] = "P-256",
        });
        await server.InitializeAsync();
        try
        {
            using var files = new PkiFiles();
            using var mainRoot = X509CertificateLoader.LoadCertificate(server.RootCertificate.RawData);
            var (g1, oldRoot) = await ChainAsync(server);
            using var beforeRenewal = await EnrollAsync(server, "CN=pqc-before-renewal");

            // Issuing CA renewal, taken up by the running server.
            var (renewCode, renewOutput) = await EstuaryCli.RunAsync($"ca issuing renew --data-dir {server.DataDir} --hierarchy pqc", Environment);
            Assert.True(renewCode == 0, renewOutput);
            Assert.Contains("CN=Estuary pqc Issuing CA G2, O=Estuary", renewOutput, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(CaHierarchies.DirectoryOf(server.DataDir, "pqc"), CaDirectory.IssuingCertificateFile)));
            server.GetRequiredService<IssuingCaRefreshService>().Check();
            var renewedChain = await CaCertsAsync(server, "pqc/cacerts");
            Assert.Equal([g1.Thumbprint], renewedChain.Skip(2).Select(c => c.Thumbprint)); // new issuing, root, previous
            var g2 = renewedChain[0];
            Assert.Equal("CN=Estuary pqc Issuing CA G2, O=Estuary", g2.Subject);
            Assert.Equal(Oids.MlDsa65, g2.PublicKey.Oid.Value);
            await NodeVerifiesAsync(files, "cert", g2.RawData, oldRoot);
            using var afterRenewal = await EnrollAsync(server, "CN=pqc-after-renewal");
            Assert.Equal(g2.Subject, afterRenewal.Issuer);
            await NodeVerifiesAsync(files, "cert", afterRenewal.RawData, g2);

            // The main CA is untouched.
            Assert.Equal(mainRoot.Thumbprint, (await CaCertsAsync(server, "cacerts"))[1].Thumbprint);

            // Revoked under G1: its CRL and OCSP answers are still G1's, and Node verifies them with G1's key.
            Assert.True((await server.GetRequiredService<RevocationService>().RevokeAsync(beforeRenewal.SerialNumber, X509RevocationReason.KeyCompromise, "test", default)).IsSuccess);
            var ocsp = await NodeVerifiesAsync(files, "ocsp", await OcspAsync(server, beforeRenewal, g1), g1);
            Assert.Contains("status=revoked", ocsp, StringComparison.Ordinal);
            await NodeVerifiesAsync(files, "crl", await CrlAsync(server, g1), g1);

            // Root rollover, issuing under the new root after a restart.
            await server.StopAsync();
            var (beginCode, beginOutput) = await EstuaryCli.RunAsync($"ca rollover begin --data-dir {server.DataDir} --hierarchy pqc --root-subject \"CN=PQC Root G2, O=Estuary\" --issuing-subject \"CN=PQC Issuing G2, O=Estuary\"", Environment);
            Assert.True(beginCode == 0, beginOutput);
            Assert.False(File.Exists(Path.Combine(server.DataDir, RootRollover.NewRootCertificateFile)), "the main CA does not roll over");
            server.Configuration["Estuary:Ca:Hierarchies:pqc:IssueUnderNewRoot"] = "true";
            await server.StartAsync();

            var published = await CaCertsAsync(server, "pqc/cacerts");
            // As the main CA's after a rollover: new issuing CA, new root, old root, NewWithOld, OldWithNew, old issuing CA.
            Assert.Equal(6, published.Count);
            var newIssuing = published[0];
            var newRoot = published[1];
            Assert.Equal("CN=PQC Issuing G2, O=Estuary", newIssuing.Subject);
            Assert.Equal("CN=PQC Root G2, O=Estuary", newRoot.Subject);
            var newWithOld = Assert.Single(published, c => c.Subject == newRoot.Subject && c.Issuer == oldRoot.Subject);
            var oldWithNew = Assert.Single(published, c => c.Subject == oldRoot.Subject && c.Issuer == newRoot.Subject);
            Assert.Contains(published, c => c.Thumbprint == oldRoot.Thumbprint);
            Assert.Contains(published, c => c.Thumbprint == g2.Thumbprint);
            Assert.All(published, c => Assert.Equal(Oids.MlDsa65, c.SignatureAlgorithm.Value));
            await NodeVerifiesAsync(files, "cert", newRoot.RawData, newRoot);
            await NodeVerifiesAsync(files, "cert", newIssuing.RawData, newRoot);
            await NodeVerifiesAsync(files, "cert", newWithOld.RawData, oldRoot); // RFC 4210 §4.4: the new key signed by the old
            await NodeVerifiesAsync(files, "cert", oldWithNew.RawData, newRoot); // and the old key signed by the new

            using var afterRollover = await EnrollAsync(server, "CN=pqc-after-rollover");
            Assert.Equal(newIssuing.Subject, afterRollover.Issuer);
            await NodeVerifiesAsync(files, "cert", afterRollover.RawData, newIssuing);

            // G2's certificate: its OCSP answer and CRL are still signed by G2 (the issuing CA the rollover replaced).
            Assert.True((await server.GetRequiredService<RevocationService>().RevokeAsync(afterRenewal.SerialNumber, X509RevocationReason.Superseded, "test", default)).IsSuccess);
            var g2Ocsp = await NodeVerifiesAsync(files, "ocsp", await OcspAsync(server, afterRenewal, g2), g2);
            Assert.Contains("status=revoked", g2Ocsp, StringComparison.Ordinal);
            await NodeVerifiesAsync(files, "crl", await CrlAsync(server, g2), g2);
            var newOcsp = await NodeVerifiesAsync(files, "ocsp", await OcspAsync(server, afterRollover, newIssuing), newIssuing);
            Assert.Contains("status=good", newOcsp, StringComparison.Ordinal);
            Assert.Equal(mainRoot.Thumbprint, (await CaCertsAsync(server, "cacerts"))[1].Thumbprint);

            // Finish: the new root and issuing CA are the hierarchy's own; the label publishes just them.
            await server.StopAsync();
            var (finishCode, finishOutput) = await EstuaryCli.RunAsync($"ca rollover finish --data-dir {server.DataDir} --hierarchy pqc", Environment);
            Assert.True(finishCode == 0, finishOutput);
            server.Configuration.Remove("Estuary:Ca:Hierarchies:pqc:IssueUnderNewRoot");
            await server.StartAsync();
            var final = await CaCertsAsync(server, "pqc/cacerts");
            Assert.Equal([newIssuing.Thumbprint, newRoot.Thumbprint], final.Select(c => c.Thumbprint));
            using var afterFinish = await EnrollAsync(server, "CN=pqc-after-finish");
            Assert.Equal(newIssuing.Subject, afterFinish.Issuer);
            Assert.Equal(mainRoot.Thumbprint, server.RootCertificate.Thumbprint);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<X509Certificate2> EnrollAsync(EstuaryTestServer server, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var basic = server.CreateClient(basicAuth: true);
        basic.BaseAddress = new Uri(server.EstUrl + "/pqc/");
        var certificate = await EstWire.EnrollAsync(basic, subject, key);
        Assert.Equal(Oids.MlDsa65, certificate.SignatureAlgorithm.Value);
        return certificate;
    }

    private static async Task<IReadOnlyList<X509Certificate2>> CaCertsAsync(EstuaryTestServer server, string path)
    {
        using var client = server.CreateClient();
        using var response = await client.GetAsync(path);
        return await EstWire.ReadCertsAsync(response);
    }

    private static async Task<(X509Certificate2 Issuing, X509Certificate2 Root)> ChainAsync(EstuaryTestServer server)
    {
        var chain = await CaCertsAsync(server, "pqc/cacerts");
        return (chain[0], chain[1]);
    }

    private static async Task<byte[]> CrlAsync(EstuaryTestServer server, X509Certificate2 issuer)
    {
        var keyId = Convert.ToHexString(CertificateWriter.KeyIdentifier(issuer.PublicKey.ExportSubjectPublicKeyInfo()));
        using var client = server.CreateClient();
        return await client.GetByteArrayAsync(new Uri(server.BaseUri.GetLeftPart(UriPartial.Authority) + "/crl/" + keyId + ".crl"));
    }

    private static async Task<byte[]> OcspAsync(EstuaryTestServer server, X509Certificate2 certificate, X509Certificate2 issuer)
    {
        var generator = new OcspReqGenerator();
        generator.AddRequest(new CertificateID(CertificateID.DigestSha1, new BcCertificate(issuer.RawData), new Org.BouncyCastle.Math.BigInteger(certificate.SerialNumber, 16)));
        using var content = new ByteArrayContent(generator.Generate().GetEncoded());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        using var client = server.CreateClient();
        using var response = await client.PostAsync(new Uri(server.BaseUri.GetLeftPart(UriPartial.Authority) + "/ocsp"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static Task<string> NodeVerifiesAsync(PkiFiles files, string kind, byte[] der, X509Certificate2 issuer) =>
        NodeVerifier.VerifiesMlDsaAsync(files, kind, der, issuer);
}
