using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Cmc;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Client.Tests;

/// <summary>EstClient.FullCmcAsync and FullCmcRevokeAsync against the real Estuary server over real TLS.</summary>
public sealed class FullCmcClientTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    private EstClient Client(Action<EstClientOptionsBuilder>? configure = null)
    {
        var b = new EstClientOptionsBuilder { Server = server.BaseUri, Anchors = [server.RootCertificate], User = server.EstUsername, Password = server.EstPassword };
        configure?.Invoke(b);
        return new EstClient(b.Build());
    }

    private IEstuaryStore Store => server.GetRequiredService<IEstuaryStore>();

    [Fact]
    public async Task FullCmc_enrolls_with_a_PKIData_signed_by_the_request_key_and_verifies_the_RA_signature()
    {
        using var client = Client();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var result = await client.FullCmcAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=client-fullcmc")), key);

        Assert.Equal("CN=client-fullcmc", result.Certificate.Subject);
        Assert.Equal("CN=Estuary RA, O=Estuary", result.ResponseSigner.Subject);
        Assert.Contains(result.OtherCertificates, c => c.Thumbprint == server.RootCertificate.Thumbprint);
        Assert.Equal("fullcmc", (await Store.FindCertificateAsync(result.Certificate.SerialNumber, default))!.Operation);
    }

    [Fact]
    public async Task FullCmc_refuses_a_request_key_that_is_not_the_key_of_the_CSR_before_sending()
    {
        using var client = Client();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        await Assert.ThrowsAsync<ArgumentException>(() => client.FullCmcAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=mismatch")), other));
    }

    [Fact]
    public async Task FullCmcRevoke_signed_with_the_client_certificate_revokes_it()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        X509Certificate2 certificate;
        using (var enroll = Client())
        {
            certificate = (await enroll.FullCmcAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=client-revoke")), key)).Certificate;
        }

        using var identity = X509CertificateLoader.LoadPkcs12(certificate.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null);
        using var client = Client(b =>
        {
            b.User = null;
            b.Password = null;
            b.Identity = identity;
        });

        var revoked = await client.FullCmcRevokeAsync(identity, certificate.SerialNumber, X509RevocationReason.Superseded);

        Assert.Equal(certificate.SerialNumber, revoked.Serial);
        Assert.Contains("revoked (superseded)", revoked.StatusString, StringComparison.Ordinal);
        var record = await Store.FindCertificateAsync(certificate.SerialNumber, default);
        Assert.NotNull(record!.RevokedAt);
        Assert.Equal((int)X509RevocationReason.Superseded, record.RevocationReason);
    }

    [Fact]
    public async Task FullCmcRevoke_of_a_serial_never_issued_throws_the_CMC_failure_with_badCertId()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var client = Client();
        var certificate = (await client.FullCmcAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=client-badcertid")), key)).Certificate;
        using var signer = certificate.CopyWithPrivateKey(key);

        var e = await Assert.ThrowsAsync<EstCmcException>(() => client.FullCmcRevokeAsync(signer, "7f:00:de:ad:be:ef", X509RevocationReason.KeyCompromise));

        Assert.Equal(CmcStatus.Failed, e.Status);
        Assert.Equal(CmcFailInfo.BadCertId, e.FailInfo);
        Assert.Contains("failed (badCertId): no certificate with serial 7F00DEADBEEF", e.Message, StringComparison.Ordinal);
        Assert.Null((await Store.FindCertificateAsync(certificate.SerialNumber, default))!.RevokedAt);
    }
}
