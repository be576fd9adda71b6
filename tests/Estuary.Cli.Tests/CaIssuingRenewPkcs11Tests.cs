using Estuary.Ca;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>`estuary ca issuing renew` with the CA keys in SoftHSM2: the new issuing key is generated inside the token.</summary>
[Collection(SoftHsmCollection.Name)]
public sealed class CaIssuingRenewPkcs11Tests
{
    [Fact]
    public async Task A_CA_in_SoftHSM_is_renewed_with_a_new_key_generated_in_the_token()
    {
        using var hsm = await SoftHsmToken.CreateAsync("estuary-renew");
        var server = EstuaryTestServer.With(new Dictionary<string, string?>
        {
            ["Estuary:Ca:KeyProvider"] = "pkcs11",
            ["Estuary:Ca:Pkcs11:ModulePath"] = SoftHsmToken.ModulePath,
            ["Estuary:Ca:Pkcs11:TokenLabel"] = hsm.Label,
            ["Estuary:Ca:Pkcs11:Pin"] = hsm.Pin,
            ["Estuary:Ca:IssuingCheckInterval"] = "01:00:00",
        });
        var environment = new Dictionary<string, string>(hsm.Environment)
        {
            ["Estuary__Ca__KeyProvider"] = "pkcs11",
            ["Estuary__Ca__Pkcs11__ModulePath"] = SoftHsmToken.ModulePath,
            ["Estuary__Ca__Pkcs11__TokenLabel"] = hsm.Label,
            ["Estuary__Ca__Pkcs11__Pin"] = hsm.Pin,
        };
        await server.InitializeAsync();
        try
        {
            await CaIssuingRenewCommandTests.RenewAndCheckAsync(server, environment);
            var key = Assert.IsType<Pkcs11SigningKey>(server.GetRequiredService<CertificateAuthority>().SigningKey);
            Assert.False(File.Exists(Path.Combine(server.DataDir, CaDirectory.IssuingKeyFile)));
            Assert.StartsWith("estuary-issuing-ca-", await File.ReadAllTextAsync(Path.Combine(server.DataDir, IssuingCaFolder.KeyLabelFile)), StringComparison.Ordinal);
            Assert.NotNull(key.PublicKey);

            // Restarted, the server finds the current key and the previous one in the token by their labels.
            await server.StopAsync();
            await server.StartAsync();
            Assert.Equal(CaIssuingRenewCommandTests.NewIssuingSubject, server.GetRequiredService<CertificateAuthority>().Certificate.Subject);
            Assert.Single(server.GetRequiredService<CertificateAuthority>().Previous);
            using var basic = server.CreateClient(basicAuth: true);
            using var after = TestCsr.NewP256();
            using var certificate = await EstWire.EnrollAsync(basic, "CN=hsm-after-restart", after);
            Assert.Equal(CaIssuingRenewCommandTests.NewIssuingSubject, certificate.Issuer);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
