using System.Net;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Protocol.Asn1;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>Revocation end to end: the RA records it, the CRL lists it, openssl and simplereenroll see it.</summary>
public sealed class RevocationTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    private CertificateAuthority Issuing => server.GetRequiredService<CertificateAuthority>();

    [Fact]
    public async Task Issued_certificates_point_at_the_CRL_and_the_OCSP_responder_of_this_server()
    {
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var certificate = await EstWire.EnrollAsync(basic, "CN=points-home", key);

        var authority = server.BaseUri.GetLeftPart(UriPartial.Authority);
        var crlDp = certificate.Extensions[Oids.CrlDistributionPoints];
        Assert.NotNull(crlDp);
        // The CRL of its own issuer, by key identifier, so that it stays right after the issuing CA is renewed.
        Assert.Contains(authority + $"/crl/{Issuing.KeyIdentifierHex}.crl", crlDp.Format(false), StringComparison.Ordinal);
        var aia = Assert.IsType<X509AuthorityInformationAccessExtension>(certificate.Extensions[Oids.AuthorityInfoAccess]);
        Assert.Equal(authority + "/ocsp", Assert.Single(aia.EnumerateOcspUris()));
    }

    [Fact]
    public async Task The_CRL_is_DER_signed_by_the_issuing_CA_with_a_growing_CRL_number()
    {
        using var client = server.CreateClient();
        var first = await GetCrlAsync(client);
        await server.GetRequiredService<CrlPublisher>().RefreshAsync(default);
        await RevokeNewCertificateAsync("CN=bump-the-number", X509RevocationReason.Superseded);
        var second = await GetCrlAsync(client);

        Assert.True(CrlNumber(second) > CrlNumber(first));
        using var files = new PkiFiles();
        var crl = files.Crl("issuing.crl.pem", second);
        var issuing = files.Certificates("issuing.pem", Issuing.Certificate);
        var (code, output) = await Processes.RunAsync("openssl", $"crl -in {crl} -CAfile {issuing} -noout -text");
        Assert.True(code == 0, output);
        Assert.Contains("verify OK", output, StringComparison.Ordinal);
        Assert.Contains("Superseded", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Openssl_verify_with_crl_check_accepts_a_certificate_before_revocation_and_rejects_it_after()
    {
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var certificate = await EstWire.EnrollAsync(basic, "CN=soon-revoked", key);
        using var files = new PkiFiles();
        var root = files.Certificates("root.pem", server.RootCertificate);
        var issuing = files.Certificates("issuing.pem", Issuing.Certificate);
        var ee = files.Certificates("ee.pem", certificate);
        using var client = server.CreateClient();

        var before = files.Crl("before.crl.pem", await GetCrlAsync(client));
        var (okCode, okOutput) = await Processes.RunAsync("openssl", $"verify -crl_check -CAfile {root} -untrusted {issuing} -CRLfile {before} {ee}");
        Assert.True(okCode == 0, okOutput);

        var revoked = await server.GetRequiredService<RevocationService>().RevokeAsync(certificate.SerialNumber, X509RevocationReason.KeyCompromise, "test", default);
        Assert.True(revoked.IsSuccess, revoked.Error?.Message);

        var after = files.Crl("after.crl.pem", await GetCrlAsync(client));
        var (badCode, badOutput) = await Processes.RunAsync("openssl", $"verify -crl_check -CAfile {root} -untrusted {issuing} -CRLfile {after} {ee}");
        Assert.NotEqual(0, badCode);
        Assert.Contains("certificate revoked", badOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simplereenroll_with_a_revoked_certificate_is_forbidden()
    {
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var current = await EstWire.EnrollAsync(basic, "CN=revoked-renewer", key);
        var revoked = await server.GetRequiredService<RevocationService>().RevokeAsync(current.SerialNumber, X509RevocationReason.CessationOfOperation, "test", default);
        Assert.True(revoked.IsSuccess);
        using var mtls = server.CreateClient(current);

        using var response = await mtls.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=revoked-renewer", key)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("revoked", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revocation_is_recorded_with_reason_and_audited_and_a_second_revocation_changes_nothing()
    {
        var serial = await RevokeNewCertificateAsync("CN=audited", X509RevocationReason.AffiliationChanged);
        var store = server.GetRequiredService<IEstuaryStore>();
        var record = await store.FindCertificateAsync(serial, default);
        Assert.NotNull(record!.RevokedAt);
        Assert.Equal((int)X509RevocationReason.AffiliationChanged, record.RevocationReason);
        var audit = await store.ListAuditAsync(50, default);
        Assert.Contains(audit, a => a.Kind == "certificate.revoked" && a.Detail.Contains(serial, StringComparison.Ordinal) && a.Detail.Contains("affiliationChanged", StringComparison.Ordinal));

        var again = await server.GetRequiredService<RevocationService>().RevokeAsync(serial, X509RevocationReason.KeyCompromise, "test", default);
        Assert.True(again.Value!.AlreadyRevoked);
        Assert.Equal((int)X509RevocationReason.AffiliationChanged, (await store.FindCertificateAsync(serial, default))!.RevocationReason);
    }

    [Fact]
    public async Task Revoking_an_unknown_or_malformed_serial_is_refused_with_a_reason()
    {
        var service = server.GetRequiredService<RevocationService>();

        var unknown = await service.RevokeAsync("0123456789ABCDEF", X509RevocationReason.KeyCompromise, "test", default);
        var malformed = await service.RevokeAsync("not-a-serial", X509RevocationReason.KeyCompromise, "test", default);

        Assert.Equal(EstErrorKind.NotFound, unknown.Error!.Kind);
        Assert.Equal(EstErrorKind.BadRequest, malformed.Error!.Kind);
    }

    private async Task<string> RevokeNewCertificateAsync(string subject, X509RevocationReason reason)
    {
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var certificate = await EstWire.EnrollAsync(basic, subject, key);
        var result = await server.GetRequiredService<RevocationService>().RevokeAsync(certificate.SerialNumber, reason, "test", default);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return certificate.SerialNumber;
    }

    private async Task<byte[]> GetCrlAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri(server.BaseUri, "/crl/issuing.crl"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pkix-crl", response.Content.Headers.ContentType!.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static System.Numerics.BigInteger CrlNumber(byte[] der)
    {
        var builder = CertificateRevocationListBuilder.Load(der, out var number);
        _ = builder;
        return number;
    }
}
