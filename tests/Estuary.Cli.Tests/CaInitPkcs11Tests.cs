using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Ra;
using Estuary.Server;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>`estuary ca init --pkcs11` with SoftHSM2, then a server whose CA signs certificates, CRLs and the OCSP responder inside the token.</summary>
[Collection(SoftHsmCollection.Name)]
public sealed class CaInitPkcs11Tests
{
    [Fact]
    public async Task A_CA_initialised_in_SoftHSM_issues_certificates_CRLs_and_OCSP_answers_that_openssl_verifies()
    {
        using var hsm = await SoftHsmToken.CreateAsync("estuary-ca");
        var server = EstuaryTestServer.With(new Dictionary<string, string?>
        {
            ["Estuary:Ca:KeyProvider"] = "pkcs11",
            ["Estuary:Ca:Pkcs11:ModulePath"] = SoftHsmToken.ModulePath,
            ["Estuary:Ca:Pkcs11:TokenLabel"] = hsm.Label,
            ["Estuary:Ca:Pkcs11:Pin"] = hsm.Pin,
        });
        var environment = new Dictionary<string, string>(hsm.Environment) { ["Estuary__Ca__Pkcs11__Pin"] = hsm.Pin };
        var (code, output) = await EstuaryCli.RunAsync($"ca init --pkcs11 --module {SoftHsmToken.ModulePath} --token-label {hsm.Label} --data-dir {server.DataDir}", environment);
        Assert.True(code == 0, output);
        Assert.Contains("estuary-root-ca, estuary-issuing-ca", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(server.DataDir, CaDirectory.RootKeyFile)));
        Assert.False(File.Exists(Path.Combine(server.DataDir, CaDirectory.IssuingKeyFile)));
        var (listCode, objects) = await Processes.RunAsync("softhsm2-util", "--show-slots", hsm.Environment);
        Assert.Equal(0, listCode);
        Assert.Contains(hsm.Label, objects, StringComparison.Ordinal);

        await server.InitializeAsync();
        try
        {
            Assert.Contains("using the CA", server.StartupOutput, StringComparison.Ordinal);
            Assert.IsType<Pkcs11SigningKey>(server.GetRequiredService<CertificateAuthority>().SigningKey);
            using var basic = server.CreateClient(basicAuth: true);
            using var key = TestCsr.NewP256();
            using var certificate = await EstWire.EnrollAsync(basic, "CN=hsm-issued", key);

            using var files = new PkiFiles();
            var root = files.Certificates("root.pem", server.RootCertificate);
            var issuing = files.Certificates("issuing.pem", server.GetRequiredService<CertificateAuthority>().Certificate);
            var ee = files.Certificates("ee.pem", certificate);
            var crl = await server.GetRequiredService<CrlPublisher>().GetCurrentAsync(default);
            var (verifyCode, verify) = await Processes.RunAsync("openssl", $"verify -crl_check -CAfile {root} -untrusted {issuing} -CRLfile {files.Crl("crl.pem", crl.Der)} {ee}");
            Assert.True(verifyCode == 0, verify);

            var ocspUrl = server.BaseUri.GetLeftPart(UriPartial.Authority) + "/ocsp";
            var (ocspCode, ocsp) = await Processes.RunAsync("openssl", $"ocsp -issuer {issuing} -cert {ee} -url {ocspUrl} -CAfile {root}");
            Assert.True(ocspCode == 0, ocsp);
            Assert.Contains("Response verify OK", ocsp, StringComparison.Ordinal);
            Assert.Contains($"{ee}: good", ocsp, StringComparison.Ordinal);

            await server.GetRequiredService<RevocationService>().RevokeAsync(certificate.SerialNumber, X509RevocationReason.KeyCompromise, "test", default);
            var after = await server.GetRequiredService<CrlPublisher>().GetCurrentAsync(default);
            var (revokedCode, revoked) = await Processes.RunAsync("openssl", $"verify -crl_check -CAfile {root} -untrusted {issuing} -CRLfile {files.Crl("after.pem", after.Der)} {ee}");
            Assert.NotEqual(0, revokedCode);
            Assert.Contains("certificate revoked", revoked, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
