using Estuary.Storage.Postgres;
using Estuary.Testing;
using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>PostgreSQL-only behaviour: migrations by several nodes at once, and a database that goes away.</summary>
public sealed class PostgresAvailabilityTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    private static CertificateRecord Certificate(string serial) => new()
    {
        Serial = serial,
        Subject = "CN=x",
        SubjectAltNames = "",
        Issuer = "CN=ca",
        NotBefore = DateTimeOffset.UnixEpoch,
        NotAfter = DateTimeOffset.UnixEpoch.AddDays(1),
        RequestedBy = "basic:est",
        Label = "",
        Operation = "simpleenroll",
        Der = [0x30, 0x00],
        IssuedAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>The last PostgreSQL migration: update it when one is appended (a forgotten bump fails here).</summary>
    private const int LatestSchema = 13;

    [Fact]
    public async Task Nodes_starting_together_migrate_the_schema_once()
    {
        var connectionString = await cluster.CreateDatabaseAsync();

        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresStore.OpenAsync(connectionString)));
        var again = await EstuaryStores.MigrateAsync(new StorageOptions { Provider = "postgres", ConnectionString = connectionString }, "");

        Assert.Equal((LatestSchema, LatestSchema), again);
        await stores[0].InsertCertificateAsync(Certificate("01"), new AuditEvent(DateTimeOffset.UnixEpoch, "k", "a", "d"), CancellationToken.None);
        Assert.Equal(1, await stores[3].CountCertificatesAsync(CancellationToken.None));
        foreach (var s in stores)
        {
            await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_migrate_command_reports_the_version_before_and_after()
    {
        var connectionString = await cluster.CreateDatabaseAsync();

        var first = await EstuaryStores.MigrateAsync(new StorageOptions { Provider = "postgres", ConnectionString = connectionString }, "");

        Assert.Equal((0, LatestSchema), first);
    }

    [Fact]
    public async Task A_stopped_database_gives_unavailable_errors_and_the_store_recovers_when_it_returns()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        await using var store = await PostgresStore.OpenAsync(connectionString);
        await store.InsertCertificateAsync(Certificate("A1"), new AuditEvent(DateTimeOffset.UnixEpoch, "k", "a", "d"), CancellationToken.None);

        await cluster.StopAsync();
        try
        {
            Assert.False(await store.IsAvailableAsync(CancellationToken.None));
            await Assert.ThrowsAsync<StorageUnavailableException>(() => store.InsertCertificateAsync(Certificate("A2"), new AuditEvent(DateTimeOffset.UnixEpoch, "k", "a", "d"), CancellationToken.None));
            await Assert.ThrowsAsync<StorageUnavailableException>(() => store.FindCertificateAsync("A1", CancellationToken.None));
        }
        finally
        {
            await cluster.StartAsync();
        }

        // Pooled connections broken by the restart are dropped; a bounded number of attempts reaches the new server.
        for (var attempt = 0; attempt < 5 && !await store.IsAvailableAsync(CancellationToken.None); attempt++)
        {
        }

        Assert.NotNull(await store.FindCertificateAsync("A1", CancellationToken.None));
        Assert.Null(await store.FindCertificateAsync("A2", CancellationToken.None));
        await store.InsertCertificateAsync(Certificate("A3"), new AuditEvent(DateTimeOffset.UnixEpoch, "k", "a", "d"), CancellationToken.None);
        Assert.Equal(2, await store.CountCertificatesAsync(CancellationToken.None));
    }
}
