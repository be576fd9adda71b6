using Estuary.Ca;
using Estuary.Storage;
using Estuary.Storage.Sqlite;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>A throwaway data folder with a P-256 CA and a SQLite store, for the CRL and revocation tests.</summary>
public abstract class CaFolderTests(string prefix) : IAsyncLifetime
{
    protected static CaOptions Options { get; } = new() { IssuingKeyAlgorithm = "P-256" };

    protected string Dir { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    protected CaMaterial Material { get; private set; } = null!;

    protected SqliteStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Material = CaDirectory.LoadOrCreate(Dir, Options, TimeProvider.System);
        PrepareFolder();
        Store = await SqliteStore.OpenAsync(Path.Combine(Dir, "estuary.db"));
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        Material.Dispose();
        Directory.Delete(Dir, recursive: true);
    }

    /// <summary>An unexpired certificate record of <paramref name="issuer"/>, issued a day before <paramref name="now"/>.</summary>
    protected static CertificateRecord Record(string serial, string issuer, string subject, DateTimeOffset now) => new()
    {
        Serial = serial,
        Subject = subject,
        SubjectAltNames = "",
        Issuer = issuer,
        NotBefore = now.AddDays(-1),
        NotAfter = now.AddDays(30),
        RequestedBy = "basic:est",
        Label = "",
        Operation = "simpleenroll",
        Der = [0x30, 0x00],
        IssuedAt = now.AddDays(-1),
    };

    /// <summary>Records a certificate of <paramref name="issuer"/> and revokes it now, as the RA would.</summary>
    protected async Task InsertRevokedAsync(string serial, string issuer, string subject, int reason)
    {
        var now = DateTimeOffset.UtcNow;
        await Store.InsertCertificateAsync(Record(serial, issuer, subject, now), new AuditEvent(now, "certificate.issued", "basic:est", "test"), default);
        Assert.True(await Store.RevokeAsync(serial, now, reason, new AuditEvent(now, "certificate.revoked", "test", "test"), default));
    }

    /// <summary>Between the CA's creation and the store's opening (e.g. an issuing CA renewal).</summary>
    protected virtual void PrepareFolder()
    {
    }
}
