using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>The status lookup behind OCSP answers, for every store.</summary>
public abstract partial class EstuaryStoreContract
{
    [Fact]
    public async Task The_revocation_status_of_a_serial_tells_its_issuer_and_whether_when_and_why_it_was_revoked()
    {
        var store = await OpenAsync();
        await store.InsertCertificateAsync(RevocableRecord("5E01"), new AuditEvent(RevocationNow, "certificate.issued", "t", "5E01"), default);
        await store.InsertCertificateAsync(RevocableRecord("5E02"), new AuditEvent(RevocationNow, "certificate.issued", "t", "5E02"), default);
        Assert.True(await store.RevokeAsync("5E02", RevocationNow.AddHours(3), 4, new AuditEvent(RevocationNow, "certificate.revoked", "t", "5E02"), default));

        Assert.Equal(new CertificateRevocationStatus("CN=Issuer", null, null), await store.FindRevocationStatusAsync("5E01", default));
        // Serials are keyed upper-case; a lower-case query finds the same record, as FindCertificateAsync does.
        Assert.Equal(new CertificateRevocationStatus("CN=Issuer", RevocationNow.AddHours(3), 4), await store.FindRevocationStatusAsync("5e02", default));
        Assert.Null(await store.FindRevocationStatusAsync("5E03", default));
    }

    [Fact]
    public async Task The_revocation_status_agrees_with_the_whole_record()
    {
        var store = await OpenAsync();
        await store.InsertCertificateAsync(RevocableRecord("5F01"), new AuditEvent(RevocationNow, "certificate.issued", "t", "5F01"), default);
        Assert.True(await store.RevokeAsync("5F01", RevocationNow.AddMinutes(7), 1, new AuditEvent(RevocationNow, "certificate.revoked", "t", "5F01"), default));

        var record = (await store.FindCertificateAsync("5F01", default))!;
        var status = (await store.FindRevocationStatusAsync("5F01", default))!;

        Assert.Equal((record.Issuer, record.RevokedAt, record.RevocationReason), (status.Issuer, status.RevokedAt, status.RevocationReason));
    }
}
