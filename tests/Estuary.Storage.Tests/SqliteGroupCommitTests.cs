using Estuary.Storage.Sqlite;
using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>The embedded store's group commit: concurrent writes share commits, none is lost, a failure stays local.</summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "estuary-gc-" + Guid.NewGuid().ToString("N") + ".db");
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

    private static CertificateRecord Record(string serial) => new()
    {
        Serial = serial,
        Subject = "CN=" + serial,
        SubjectAltNames = "",
        Issuer = "CN=Test",
        NotBefore = DateTimeOffset.UnixEpoch,
        NotAfter = DateTimeOffset.UnixEpoch.AddDays(1),
        RequestedBy = "basic:test",
        Label = "",
        Operation = "simpleenroll",
        Der = [0x30, 0x00],
        IssuedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task Concurrent_inserts_are_all_durable_after_reopening()
    {
        var serials = Enumerable.Range(0, 500).Select(i => i.ToString("X8")).ToList();

        await Task.WhenAll(serials.Select(s => Task.Run(() => _store.InsertCertificateAsync(Record(s), new AuditEvent(DateTimeOffset.UtcNow, "test", "t", s), default))));
        await _store.DisposeAsync();
        _store = await SqliteStore.OpenAsync(_path);

        Assert.Equal(500, await _store.CountCertificatesAsync(default));
        Assert.Equal(500, (await _store.ListAuditAsync(1000, default)).Count);
        Assert.NotNull(await _store.FindCertificateAsync(serials[123], default));
    }

    [Fact]
    public async Task A_duplicate_serial_fails_alone_and_its_batch_neighbours_commit()
    {
        await _store.InsertCertificateAsync(Record("AA"), new AuditEvent(DateTimeOffset.UtcNow, "test", "t", "first"), default);

        var writes = new[] { "AB", "AA", "AC" }.Select(s => _store.InsertCertificateAsync(Record(s), new AuditEvent(DateTimeOffset.UtcNow, "test", "t", s), default)).ToArray();

        await writes[0];
        await Assert.ThrowsAsync<DuplicateSerialException>(() => writes[1]);
        await writes[2];
        Assert.Equal(3, await _store.CountCertificatesAsync(default));
        // The failed insert's audit event was rolled back with it.
        Assert.DoesNotContain(await _store.ListAuditAsync(10, default), a => a.Detail == "AA");
    }

    [Fact]
    public async Task Accounts_are_unique_by_name()
    {
        var account = new EstAccount { Username = "dev", PasswordHash = "h", Enabled = true, CreatedAt = DateTimeOffset.UtcNow };

        Assert.True(await _store.InsertAccountAsync(account, default));
        Assert.False(await _store.InsertAccountAsync(account with { PasswordHash = "other" }, default));
        Assert.Equal("h", (await _store.FindAccountAsync("dev", default))!.PasswordHash);
    }
}
