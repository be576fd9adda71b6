using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>Account decrypt keys, archived keys and certificates by requester (RFC 7030 §4.4), for every store.</summary>
public abstract partial class EstuaryStoreContract
{
    private static readonly DateTimeOffset KeyGenNow = DateTimeOffset.FromUnixTimeMilliseconds(1_810_000_000_000);

    [Fact]
    public async Task A_decrypt_key_is_set_replaced_and_found_only_for_its_account_and_identifier()
    {
        var store = await OpenAsync();
        Assert.True(await store.InsertAccountAsync(new EstAccount { Username = "dev", PasswordHash = "h", Enabled = true, CreatedAt = KeyGenNow }, default));
        var audit = new AuditEvent(KeyGenNow, "account.decrypt-key.set", "t", "x");

        Assert.True(await store.SetAccountDecryptKeyAsync(new AccountDecryptKey { Username = "dev", KeyIdentifier = [1, 2], ProtectedKey = [9, 9, 9], CreatedAt = KeyGenNow }, audit, default));
        Assert.True(await store.SetAccountDecryptKeyAsync(new AccountDecryptKey { Username = "dev", KeyIdentifier = [1, 2], ProtectedKey = [8, 8], CreatedAt = KeyGenNow.AddMinutes(1) }, audit, default));
        Assert.False(await store.SetAccountDecryptKeyAsync(new AccountDecryptKey { Username = "nobody", KeyIdentifier = [1, 2], ProtectedKey = [7], CreatedAt = KeyGenNow }, audit, default));

        var found = await store.FindAccountDecryptKeyAsync("dev", [1, 2], default);
        Assert.Equal([8, 8], found!.ProtectedKey);
        Assert.Equal(KeyGenNow.AddMinutes(1), found.CreatedAt);
        Assert.Null(await store.FindAccountDecryptKeyAsync("dev", [1, 3], default));
        Assert.Null(await store.FindAccountDecryptKeyAsync("nobody", [1, 2], default));
        Assert.Equal(2, (await store.ListAuditAsync(10, default)).Count(a => a.Kind == "account.decrypt-key.set"));
    }

    [Fact]
    public async Task An_archived_key_is_stored_beside_its_certificate()
    {
        var store = await OpenAsync();
        await store.InsertCertificateAsync(RevocableRecord("AA01"), new AuditEvent(KeyGenNow, "certificate.issued", "t", "x"), default);

        await store.InsertArchivedKeyAsync(new ArchivedKey("aa01", [1, 2, 3], KeyGenNow), new AuditEvent(KeyGenNow, "key.archived", "t", "AA01"), default);

        var archived = await store.FindArchivedKeyAsync("AA01", default);
        Assert.Equal(new byte[] { 1, 2, 3 }, archived!.EnvelopedKey);
        Assert.Equal(KeyGenNow, archived.ArchivedAt);
        Assert.Null(await store.FindArchivedKeyAsync("AA02", default));
        Assert.Single(await store.ListAuditAsync(10, default), a => a.Kind == "key.archived");
    }

    [Fact]
    public async Task Certificates_are_listed_by_requester_newest_first()
    {
        var store = await OpenAsync();
        await store.InsertCertificateAsync(RevocableRecord("B1") with { RequestedBy = "basic:a", IssuedAt = KeyGenNow }, new AuditEvent(KeyGenNow, "certificate.issued", "t", "x"), default);
        await store.InsertCertificateAsync(RevocableRecord("B2") with { RequestedBy = "basic:b", IssuedAt = KeyGenNow }, new AuditEvent(KeyGenNow, "certificate.issued", "t", "x"), default);
        await store.InsertCertificateAsync(RevocableRecord("B3") with { RequestedBy = "basic:a", IssuedAt = KeyGenNow.AddMinutes(1) }, new AuditEvent(KeyGenNow, "certificate.issued", "t", "x"), default);

        var mine = await store.ListCertificatesRequestedByAsync("basic:a", 10, default);

        Assert.Equal(["B3", "B1"], mine.Select(c => c.Serial));
        Assert.Single(await store.ListCertificatesRequestedByAsync("basic:a", 1, default));
    }
}
