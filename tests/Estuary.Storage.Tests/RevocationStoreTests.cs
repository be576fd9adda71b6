using Estuary.Storage;
using Estuary.Storage.Sqlite;
using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>Revocation records and CRL numbers in a real SQLite file.</summary>
public sealed class RevocationStoreTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "estuary-store-" + Guid.NewGuid().ToString("N")[..12] + ".db");
    private SqliteStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteStore.OpenAsync(_path);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(f);
        }
    }

    [Fact]
    public async Task A_certificate_is_revoked_once_with_its_reason_and_audit_event()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
        await _store.InsertCertificateAsync(Record("7A01", now), new AuditEvent(now, "certificate.issued", "t", "x"), default);

        Assert.True(await _store.RevokeAsync("7a01", now.AddHours(1), 1, new AuditEvent(now, "certificate.revoked", "t", "7A01"), default));
        Assert.False(await _store.RevokeAsync("7A01", now.AddHours(2), 4, new AuditEvent(now, "certificate.revoked", "t", "again"), default));
        Assert.False(await _store.RevokeAsync("7A02", now, 1, new AuditEvent(now, "certificate.revoked", "t", "unknown"), default));

        var revoked = Assert.Single(await _store.ListRevokedAsync(default));
        Assert.Equal(new RevokedCertificate("7A01", "CN=Issuer", now.AddDays(30), now.AddHours(1), 1), revoked);
        var audit = await _store.ListAuditAsync(10, default);
        Assert.Single(audit, a => a.Kind == "certificate.revoked");
    }

    [Fact]
    public async Task Crl_numbers_grow_per_issuer_and_survive_a_reopen()
    {
        Assert.Equal(1, await _store.NextCrlNumberAsync("AA", default));
        Assert.Equal(2, await _store.NextCrlNumberAsync("AA", default));
        Assert.Equal(1, await _store.NextCrlNumberAsync("BB", default));
        await _store.DisposeAsync();
        _store = await SqliteStore.OpenAsync(_path);

        Assert.Equal(3, await _store.NextCrlNumberAsync("AA", default));
    }

    private static CertificateRecord Record(string serial, DateTimeOffset now) => new()
    {
        Serial = serial,
        Subject = "CN=x",
        SubjectAltNames = "",
        Issuer = "CN=Issuer",
        NotBefore = now,
        NotAfter = now.AddDays(30),
        RequestedBy = "t",
        Label = "",
        Operation = "simpleenroll",
        Der = [0x30, 0x00],
        IssuedAt = now,
    };
}
