using Estuary.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>
/// The estuary_certificates_expiring gauge runs its count on every /metrics scrape; with a million certificates it must
/// be an index range search, not a scan of the table. SQLite's own planner says which, after ANALYZE of real rows.
/// </summary>
public sealed class SqliteStoreQueryPlanTests : IAsyncLifetime
{
    private const int Certificates = 1_000_000;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Spread = TimeSpan.FromDays(3650);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "estuary-plan-" + Guid.NewGuid().ToString("N")[..12]);

    private string DatabasePath => Path.Combine(_dir, "estuary.db");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Counting_certificates_expiring_in_30_days_searches_the_not_after_index_of_a_million_certificates()
    {
        // The schema is the store's (its migrations); only the rows are written here, in one statement.
        await (await SqliteStore.OpenAsync(DatabasePath)).DisposeAsync();

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using (var fill = connection.CreateCommand())
        {
            // Certificate i expires at T0 + i * step (spread over ten years); every tenth is revoked.
            fill.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
                INSERT INTO certificates (serial, subject, sans, issuer, not_before, not_after, requested_by, label, operation, der, issued_at, revoked_at)
                SELECT printf('%032X', i), 'CN=device-' || i, '', 'CN=Estuary Issuing CA', $t0 + i * $step - 31536000000, $t0 + i * $step,
                       'basic:est', 'default', 'simpleenroll', x'3000', $t0 + i * $step - 31536000000, CASE WHEN i % 10 = 0 THEN $t0 ELSE NULL END
                FROM n;
                ANALYZE;
                """;
            fill.Parameters.AddWithValue("$count", Certificates);
            fill.Parameters.AddWithValue("$t0", T0.ToUnixTimeMilliseconds());
            fill.Parameters.AddWithValue("$step", StepMilliseconds);
            await fill.ExecuteNonQueryAsync();
        }

        var from = T0 + TimeSpan.FromDays(1000);
        var until = from + TimeSpan.FromDays(30);
        var plan = new List<string>();
        await using (var explain = connection.CreateCommand())
        {
            explain.CommandText = "EXPLAIN QUERY PLAN " + SqliteStore.CountExpiringSql;
            explain.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
            explain.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        var step = Assert.Single(plan);
        Assert.Contains("SEARCH certificates USING COVERING INDEX certificates_valid_not_after (not_after>? AND not_after<?)", step, StringComparison.Ordinal);

        // And the count is right: the certificates whose expiry falls in (from, until], less the revoked ones.
        var expected = 0;
        for (var i = 1; i <= Certificates; i++)
        {
            var notAfter = T0.ToUnixTimeMilliseconds() + (i * StepMilliseconds);
            if (notAfter > from.ToUnixTimeMilliseconds() && notAfter <= until.ToUnixTimeMilliseconds() && i % 10 != 0)
            {
                expected++;
            }
        }

        await using var reopened = await SqliteStore.OpenAsync(DatabasePath);
        Assert.Equal(expected, await reopened.CountCertificatesExpiringAsync(from, until, default));
        Assert.InRange(expected, 1, Certificates / 100);
    }

    private static long StepMilliseconds => (long)Spread.TotalMilliseconds / Certificates;
}
