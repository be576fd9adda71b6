using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>Revocation records and CRL numbers, for every store.</summary>
public abstract partial class EstuaryStoreContract
{
    private static readonly DateTimeOffset RevocationNow = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    private static CertificateRecord RevocableRecord(string serial) => new()
    {
        Serial = serial,
        Subject = "CN=x",
        SubjectAltNames = "",
        Issuer = "CN=Issuer",
        NotBefore = RevocationNow,
        NotAfter = RevocationNow.AddDays(30),
        RequestedBy = "t",
        Label = "",
        Operation = "simpleenroll",
        Der = [0x30, 0x00],
        IssuedAt = RevocationNow,
    };

    [Fact]
    public async Task A_certificate_is_revoked_once_with_its_reason_and_audit_event()
    {
        var store = await OpenAsync();
        var now = RevocationNow;
        await store.InsertCertificateAsync(RevocableRecord("7A01"), new AuditEvent(now, "certificate.issued", "t", "x"), default);

        Assert.True(await store.RevokeAsync("7a01", now.AddHours(1), 1, new AuditEvent(now, "certificate.revoked", "t", "7A01"), default));
        Assert.False(await store.RevokeAsync("7A01", now.AddHours(2), 4, new AuditEvent(now, "certificate.revoked", "t", "again"), default));
        Assert.False(await store.RevokeAsync("7A02", now, 1, new AuditEvent(now, "certificate.revoked", "t", "unknown"), default));

        var revoked = Assert.Single(await store.ListRevokedAsync(default));
        Assert.Equal(new RevokedCertificate("7A01", "CN=Issuer", now.AddDays(30), now.AddHours(1), 1), revoked);
        var audit = await store.ListAuditAsync(10, default);
        Assert.Single(audit, a => a.Kind == "certificate.revoked");
        Assert.Equal(1, (await store.FindCertificateAsync("7A01", default))!.RevocationReason);
    }

    [Fact]
    public async Task Concurrent_revocations_of_one_certificate_succeed_once()
    {
        var store = await OpenAsync();
        await store.InsertCertificateAsync(RevocableRecord("7B01"), new AuditEvent(RevocationNow, "certificate.issued", "t", "x"), default);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            store.RevokeAsync("7B01", RevocationNow.AddMinutes(i), 1, new AuditEvent(RevocationNow, "certificate.revoked", "t", "try " + i), default)));

        Assert.Single(results, r => r);
        Assert.Single(await store.ListAuditAsync(20, default), a => a.Kind == "certificate.revoked");
    }

    [Fact]
    public async Task Revoked_certificates_are_listed_oldest_revocation_first()
    {
        var store = await OpenAsync();
        foreach (var serial in new[] { "C1", "C2", "C3" })
        {
            await store.InsertCertificateAsync(RevocableRecord(serial), new AuditEvent(RevocationNow, "certificate.issued", "t", serial), default);
        }

        Assert.True(await store.RevokeAsync("C2", RevocationNow.AddHours(1), 1, new AuditEvent(RevocationNow, "certificate.revoked", "t", "C2"), default));
        Assert.True(await store.RevokeAsync("C1", RevocationNow.AddHours(2), 4, new AuditEvent(RevocationNow, "certificate.revoked", "t", "C1"), default));

        Assert.Equal(["C2", "C1"], (await store.ListRevokedAsync(default)).Select(r => r.Serial));
    }

    [Fact]
    public async Task The_revocation_generation_moves_with_every_change_to_the_revoked_set_and_only_then()
    {
        var store = await OpenAsync();
        var start = await store.RevocationGenerationAsync(default);
        await store.InsertCertificateAsync(RevocableRecord("9D01"), new AuditEvent(RevocationNow, "certificate.issued", "t", "x"), default);
        await store.InsertCertificateAsync(RevocableRecord("9D02"), new AuditEvent(RevocationNow, "certificate.issued", "t", "y"), default);
        Assert.Equal(start, await store.RevocationGenerationAsync(default));

        Assert.True(await store.RevokeAsync("9D01", RevocationNow, 1, new AuditEvent(RevocationNow, "certificate.revoked", "t", "9D01"), default));
        var revoked = await store.RevocationGenerationAsync(default);
        Assert.True(revoked > start);

        Assert.False(await store.RevokeAsync("9D01", RevocationNow, 4, new AuditEvent(RevocationNow, "certificate.revoked", "t", "again"), default));
        Assert.Equal(revoked, await store.RevocationGenerationAsync(default));
    }

    [Fact]
    public async Task Crl_numbers_grow_per_issuer_and_survive_a_reopen()
    {
        var store = await OpenAsync();
        Assert.Equal(1, await store.NextCrlNumberAsync("AA", default));
        Assert.Equal(2, await store.NextCrlNumberAsync("AA", default));
        Assert.Equal(1, await store.NextCrlNumberAsync("BB", default));
        await store.DisposeAsync();
        _opened.Remove(store);

        var reopened = await OpenAsync();
        Assert.Equal(3, await reopened.NextCrlNumberAsync("AA", default));
    }

    [Fact]
    public async Task Concurrent_crl_numbers_are_all_distinct()
    {
        var store = await OpenAsync();
        var numbers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => store.NextCrlNumberAsync("CC", default)));

        Assert.Equal(Enumerable.Range(1, 10).Select(n => (long)n), numbers.Order());
    }
}
