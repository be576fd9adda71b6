using Estuary.Storage;
using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>
/// What every <see cref="IEstuaryStore"/> must do, run unchanged against SQLite and PostgreSQL by the
/// concrete subclasses. Each test gets a fresh, empty database.
/// </summary>
public abstract partial class EstuaryStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly List<IEstuaryStore> _opened = [];

    /// <summary>Opens (migrating if needed) this test's database; a second call opens the same database again.</summary>
    protected abstract Task<IEstuaryStore> OpenStoreAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    private async Task<IEstuaryStore> OpenAsync()
    {
        var store = await OpenStoreAsync();
        _opened.Add(store);
        return store;
    }

    private static CertificateRecord Certificate(string serial, int minutes = 0, string? replaces = null) => new()
    {
        Serial = serial,
        Subject = "CN=device-" + serial,
        SubjectAltNames = "DNS:device.example\nIP:192.0.2.7",
        Issuer = "CN=Estuary Issuing CA, O=Estuary",
        NotBefore = T0.AddMinutes(minutes - 5),
        NotAfter = T0.AddMinutes(minutes).AddDays(365),
        RequestedBy = "basic:est",
        Account = "est",
        Label = "iot",
        Operation = replaces is null ? "simpleenroll" : "simplereenroll",
        Replaces = replaces,
        Der = [0x30, 0x03, 0x02, 0x01, (byte)serial.Length],
        IssuedAt = T0.AddMinutes(minutes),
    };

    private static AuditEvent Issued(string serial) => new(T0, "certificate.issued", "basic:est", "serial " + serial);

    [Fact]
    public async Task An_inserted_certificate_is_found_with_every_field_intact()
    {
        var store = await OpenAsync();
        var record = Certificate("0A1B2C", replaces: "FFEE01");
        await store.InsertCertificateAsync(record, Issued("0A1B2C"), CancellationToken.None);

        var found = await store.FindCertificateAsync("0A1B2C", CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(record with { Der = found.Der }, found);
        Assert.Equal(record.Der, found.Der);
        Assert.Null(found.RevokedAt);
        Assert.Null(found.RevocationReason);
    }

    [Fact]
    public async Task A_serial_is_found_whatever_the_case_of_its_hex()
    {
        var store = await OpenAsync();
        await store.InsertCertificateAsync(Certificate("ABCDEF01"), Issued("ABCDEF01"), CancellationToken.None);

        Assert.NotNull(await store.FindCertificateAsync("abcdef01", CancellationToken.None));
        Assert.Null(await store.FindCertificateAsync("ABCDEF02", CancellationToken.None));
    }

    [Fact]
    public async Task A_duplicate_serial_is_refused_and_leaves_no_audit_event()
    {
        var store = await OpenAsync();
        await store.InsertCertificateAsync(Certificate("01"), Issued("01"), CancellationToken.None);

        await Assert.ThrowsAsync<DuplicateSerialException>(() => store.InsertCertificateAsync(Certificate("01", minutes: 1), new AuditEvent(T0, "certificate.issued", "basic:est", "the duplicate"), CancellationToken.None));

        Assert.Equal(1, await store.CountCertificatesAsync(CancellationToken.None));
        var audit = await store.ListAuditAsync(10, CancellationToken.None);
        Assert.DoesNotContain(audit, a => a.Detail == "the duplicate");
        Assert.Equal(T0.AddMinutes(0), (await store.FindCertificateAsync("01", CancellationToken.None))!.IssuedAt);
    }

    [Fact]
    public async Task Certificates_are_listed_newest_first_up_to_the_limit()
    {
        var store = await OpenAsync();
        for (var i = 0; i < 5; i++)
        {
            await store.InsertCertificateAsync(Certificate($"0{i}", minutes: i), Issued($"0{i}"), CancellationToken.None);
        }

        var listed = await store.ListCertificatesAsync(3, CancellationToken.None);

        Assert.Equal(["04", "03", "02"], listed.Select(c => c.Serial));
        Assert.Equal(5, await store.CountCertificatesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_inserts_are_all_committed_each_exactly_once()
    {
        var store = await OpenAsync();
        var serials = Enumerable.Range(0, 300).Select(i => i.ToString("X6", System.Globalization.CultureInfo.InvariantCulture)).ToList();

        await Task.WhenAll(serials.Select(s => Task.Run(() => store.InsertCertificateAsync(Certificate(s), Issued(s), CancellationToken.None))));

        Assert.Equal(300, await store.CountCertificatesAsync(CancellationToken.None));
        var audit = await store.ListAuditAsync(1000, CancellationToken.None);
        Assert.Equal(300, audit.Count);
        Assert.Equal(serials.Order(), audit.Select(a => a.Detail["serial ".Length..]).Order());
    }

    [Fact]
    public async Task One_duplicate_among_concurrent_inserts_fails_alone()
    {
        var store = await OpenAsync();
        await store.InsertCertificateAsync(Certificate("DUP"), Issued("DUP"), CancellationToken.None);
        var others = Enumerable.Range(0, 50).Select(i => "N" + i).ToList();

        var tasks = others.Select(s => store.InsertCertificateAsync(Certificate(s), Issued(s), CancellationToken.None)).ToList();
        var duplicate = store.InsertCertificateAsync(Certificate("DUP"), Issued("DUP"), CancellationToken.None);

        await Assert.ThrowsAsync<DuplicateSerialException>(() => duplicate);
        await Task.WhenAll(tasks);
        Assert.Equal(51, await store.CountCertificatesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Committed_records_survive_closing_and_reopening_the_store()
    {
        var store = await OpenAsync();
        await store.InsertCertificateAsync(Certificate("AA"), Issued("AA"), CancellationToken.None);
        await store.InsertAccountAsync(new EstAccount { Username = "alice", PasswordHash = "h", Enabled = true, CreatedAt = T0 }, CancellationToken.None);
        await store.DisposeAsync();
        _opened.Remove(store);

        var reopened = await OpenAsync();

        Assert.NotNull(await reopened.FindCertificateAsync("AA", CancellationToken.None));
        Assert.NotNull(await reopened.FindAccountAsync("alice", CancellationToken.None));
    }

    [Fact]
    public async Task An_account_is_stored_once_and_a_taken_name_is_refused()
    {
        var store = await OpenAsync();
        var account = new EstAccount { Username = "device-enroller", PasswordHash = "pbkdf2-sha256$1$c2FsdA==$aGFzaA==", Enabled = true, CreatedAt = T0 };

        Assert.True(await store.InsertAccountAsync(account, CancellationToken.None));
        Assert.False(await store.InsertAccountAsync(account with { PasswordHash = "other" }, CancellationToken.None));

        Assert.Equal(account, await store.FindAccountAsync("device-enroller", CancellationToken.None));
        Assert.Null(await store.FindAccountAsync("Device-Enroller", CancellationToken.None));
    }

    [Fact]
    public async Task A_disabled_account_reads_back_disabled()
    {
        var store = await OpenAsync();
        await store.InsertAccountAsync(new EstAccount { Username = "off", PasswordHash = "h", Enabled = false, CreatedAt = T0 }, CancellationToken.None);

        Assert.False((await store.FindAccountAsync("off", CancellationToken.None))!.Enabled);
    }

    [Fact]
    public async Task Audit_events_are_listed_newest_first()
    {
        var store = await OpenAsync();
        for (var i = 0; i < 4; i++)
        {
            await store.AppendAuditAsync(new AuditEvent(T0.AddSeconds(i), "test.event", "system", "event " + i), CancellationToken.None);
        }

        var listed = await store.ListAuditAsync(2, CancellationToken.None);

        Assert.Equal([new AuditEvent(T0.AddSeconds(3), "test.event", "system", "event 3"), new AuditEvent(T0.AddSeconds(2), "test.event", "system", "event 2")], listed);
    }

    [Fact]
    public async Task Expiring_certificates_are_counted_within_the_window_only()
    {
        var store = await OpenAsync();
        var now = T0.AddDays(360);
        // NotAfter = T0 + minutes + 365 days: -10 days expired (before now), +2 days and +20 days inside a 30-day window, +60 days outside.
        foreach (var (serial, daysLeft) in new[] { ("E1", -10), ("E2", 2), ("E3", 20), ("E4", 60) })
        {
            var minutes = (int)(now.AddDays(daysLeft) - T0.AddDays(365)).TotalMinutes;
            await store.InsertCertificateAsync(Certificate(serial, minutes), Issued(serial), CancellationToken.None);
        }

        Assert.Equal(2, await store.CountCertificatesExpiringAsync(now, now.AddDays(30), CancellationToken.None));
    }

    [Fact]
    public async Task A_reachable_database_reports_available()
    {
        var store = await OpenAsync();

        Assert.True(await store.IsAvailableAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Opening_an_already_migrated_database_again_keeps_its_records()
    {
        var first = await OpenAsync();
        await first.AppendAuditAsync(new AuditEvent(T0, "test.event", "system", "before"), CancellationToken.None);

        var second = await OpenAsync();

        Assert.Single(await second.ListAuditAsync(10, CancellationToken.None));
    }
}
