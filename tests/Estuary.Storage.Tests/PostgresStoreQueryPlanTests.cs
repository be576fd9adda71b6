using Estuary.Storage.Postgres;
using Estuary.Testing;
using Npgsql;
using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>
/// The estuary_certificates_expiring gauge's count on PostgreSQL: with fresh statistics of a large table the planner
/// reads the not_after index, never the whole table. The planner decides by the share of rows in the 30-day window
/// (under 1% here), so 200,000 rows show what a million would, at a fifth of the time to write them.
/// </summary>
public sealed class PostgresStoreQueryPlanTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    private const int Certificates = 200_000;

    [Fact]
    public async Task Counting_certificates_expiring_in_30_days_reads_the_not_after_index_not_the_table()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        // The schema is the store's (its migrations); only the rows are written here, in one statement.
        await (await PostgresStore.OpenAsync(connectionString)).DisposeAsync();
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var fill = connection.CreateCommand())
        {
            // Certificate i expires at t0 + i * (ten years / count); every tenth is revoked. Writing the rows is slow on a
            // busy machine, so the statement may take longer than Npgsql's default 30 s.
            fill.CommandTimeout = 600;
            fill.CommandText = """
                INSERT INTO certificates (serial, subject, sans, issuer, not_before, not_after, requested_by, label, operation, der, issued_at, revoked_at)
                SELECT lpad(to_hex(i), 32, '0'), 'CN=device-' || i, '', 'CN=Estuary Issuing CA', $1 + i * $2 - interval '365 days', $1 + i * $2,
                       'basic:est', 'default', 'simpleenroll', '\x3000'::bytea, $1 + i * $2 - interval '365 days', CASE WHEN i % 10 = 0 THEN $1 END
                FROM generate_series(1, $3) AS i
                """;
            fill.Parameters.Add(new NpgsqlParameter { Value = t0 });
            fill.Parameters.Add(new NpgsqlParameter { Value = TimeSpan.FromDays(3650) / Certificates });
            fill.Parameters.Add(new NpgsqlParameter { Value = Certificates });
            await fill.ExecuteNonQueryAsync();
        }

        await using (var analyze = new NpgsqlCommand("ANALYZE certificates", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var from = t0 + TimeSpan.FromDays(1000);
        var until = from + TimeSpan.FromDays(30);
        var plan = new List<string>();
        await using (var explain = new NpgsqlCommand("EXPLAIN " + PostgresStore.CountExpiringSql, connection))
        {
            explain.Parameters.Add(new NpgsqlParameter { Value = from });
            explain.Parameters.Add(new NpgsqlParameter { Value = until });
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join('\n', plan);
        Assert.Contains("Index Only Scan using certificates_valid_not_after", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", text, StringComparison.Ordinal);

        await using var store = await PostgresStore.OpenAsync(connectionString);
        var step = TimeSpan.FromDays(3650) / Certificates;
        var expected = Enumerable.Range(1, Certificates).Count(i => t0 + (i * step) > from && t0 + (i * step) <= until && i % 10 != 0);
        Assert.Equal(expected, await store.CountCertificatesExpiringAsync(from, until, default));
        Assert.InRange(expected, 1, Certificates / 100);
    }

    [Fact]
    public async Task Searching_certificates_by_text_reads_the_trigram_index_and_by_label_walks_an_index_newest_first_without_sorting_the_label()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        await (await PostgresStore.OpenAsync(connectionString)).DisposeAsync();
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var fill = connection.CreateCommand())
        {
            // Certificate i: issued at t0 + i minutes under label i % 20, subject and SAN naming device i.
            fill.CommandTimeout = 600;
            fill.CommandText = """
                INSERT INTO certificates (serial, subject, sans, issuer, not_before, not_after, requested_by, label, operation, der, issued_at)
                SELECT lpad(to_hex(i), 32, '0'), 'CN=cam-fra-' || lpad(i::text, 7, '0'), 'DNS:cam-fra-' || lpad(i::text, 7, '0') || '.example.net',
                       'CN=Estuary Issuing CA', $1 + i * interval '1 minute', $1 + i * interval '1 minute' + interval '365 days',
                       'basic:est', 'label' || (i % 20), 'simpleenroll', '\x3000'::bytea, $1 + i * interval '1 minute'
                FROM generate_series(1, $2) AS i
                """;
            fill.Parameters.Add(new NpgsqlParameter { Value = t0 });
            fill.Parameters.Add(new NpgsqlParameter { Value = Certificates });
            await fill.ExecuteNonQueryAsync();
        }

        await using (var analyze = new NpgsqlCommand("ANALYZE certificates", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var now = t0.AddDays(400);
        var byText = await PlanAsync(connection, new CertificateQuery { Text = "cam-fra-00123", Now = now });
        Assert.Contains("Bitmap Index Scan on certificates_text", byText, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", byText, StringComparison.Ordinal);

        var byLabel = await PlanAsync(connection, new CertificateQuery { Label = "label7", Now = now });
        // certificates_label_issued, or (when the label is a twentieth of the table, as here) certificates_issued_label
        // filtered by label: both read newest first and stop at the limit; the planner takes the cheaper.
        Assert.Contains("Index Scan Backward using certificates_", byLabel, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", byLabel, StringComparison.Ordinal);
        // Ties of issued_at are put in serial order by an Incremental Sort of the few rows read; never a full Sort.
        Assert.DoesNotContain(byLabel.Split('\n'), line => line.TrimStart(' ', '-', '>').StartsWith("Sort  (", StringComparison.Ordinal));

        await using var store = await PostgresStore.OpenAsync(connectionString);
        var found = await store.SearchCertificatesAsync(new CertificateQuery { Text = "CAM-FRA-00123", Now = now, Limit = 1000 }, default);
        Assert.Equal(100, found.Count);
    }

    [Fact]
    public async Task The_newest_valid_certificates_expiring_soon_are_chosen_from_the_not_after_index_and_a_kind_prefix_is_an_audit_index_range()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        await (await PostgresStore.OpenAsync(connectionString)).DisposeAsync();
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var fill = connection.CreateCommand())
        {
            // Certificate i: issued at t0 + i minutes, valid a year, every tenth revoked; an audit record each, every
            // hundredth a refusal.
            fill.CommandTimeout = 600;
            fill.CommandText = """
                INSERT INTO certificates (serial, subject, sans, issuer, not_before, not_after, requested_by, label, operation, der, issued_at, revoked_at)
                SELECT lpad(to_hex(i), 32, '0'), 'CN=d' || i, '', 'CN=Estuary Issuing CA', $1 + i * interval '1 minute',
                       $1 + i * interval '1 minute' + interval '365 days', 'basic:est', '', 'simpleenroll', '\x3000'::bytea,
                       $1 + i * interval '1 minute', CASE WHEN i % 10 = 0 THEN $1 + i * interval '2 minutes' END
                FROM generate_series(1, $2) AS i
                """;
            fill.Parameters.Add(new NpgsqlParameter { Value = t0 });
            fill.Parameters.Add(new NpgsqlParameter { Value = Certificates });
            await fill.ExecuteNonQueryAsync();
        }

        await using (var fill = connection.CreateCommand())
        {
            fill.CommandTimeout = 600;
            fill.CommandText = """
                INSERT INTO audit (time, kind, actor, detail)
                SELECT $1 + i * interval '1 minute', CASE WHEN i % 100 = 0 THEN 'est.refused.policy' ELSE 'certificate.issued' END, 'basic:est', 'd' || i
                FROM generate_series(1, $2) AS i
                """;
            fill.Parameters.Add(new NpgsqlParameter { Value = t0 });
            fill.Parameters.Add(new NpgsqlParameter { Value = Certificates });
            await fill.ExecuteNonQueryAsync();
        }

        await using (var analyze = new NpgsqlCommand("VACUUM ANALYZE certificates, audit", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var now = t0.AddDays(400);
        var window = await PlanAsync(connection, new CertificateQuery { Status = "valid", ExpiresBefore = now.AddDays(30), Now = now, Limit = 50 });
        Assert.True(window.Contains("Index Only Scan using certificates_valid_not_after", StringComparison.Ordinal), window);
        Assert.DoesNotContain("Seq Scan", window, StringComparison.Ordinal);

        var auditNow = t0.AddMinutes(Certificates);
        var (sql, values) = PostgresStore.BuildAuditSearch(new AuditQuery { KindPrefix = "EST.refused", Since = auditNow.AddDays(-7) });
        var audit = await ExplainAsync(connection, sql, values);
        Assert.Contains("audit_kind_time_c", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", audit, StringComparison.Ordinal);

        // And the answers: the window's newest 50 unrevoked, newest first; the refusals of the last week, none else.
        await using var store = await PostgresStore.OpenAsync(connectionString);
        var expiring = await store.SearchCertificatesAsync(new CertificateQuery { Status = "valid", ExpiresBefore = now.AddDays(30), Now = now, Limit = 50 }, default);
        var expected = Enumerable.Range(1, Certificates)
            .Where(i => i % 10 != 0 && t0.AddMinutes(i).AddDays(365) > now && t0.AddMinutes(i).AddDays(365) < now.AddDays(30))
            .OrderByDescending(i => i).Take(50).Select(i => i.ToString("x", System.Globalization.CultureInfo.InvariantCulture).PadLeft(32, '0').ToUpperInvariant());
        Assert.Equal(expected, expiring.Select(c => c.Serial.ToUpperInvariant()));
        var refusals = await store.SearchAuditAsync(new AuditQuery { KindPrefix = "est.refused", Since = auditNow.AddDays(-7), Limit = 10_000 }, default);
        Assert.Equal(Enumerable.Range(1, Certificates).Count(i => i % 100 == 0 && t0.AddMinutes(i) >= auditNow.AddDays(-7)), refusals.Count);
        Assert.InRange(refusals.Count, 50, 150);
        Assert.All(refusals, r => Assert.Equal("est.refused.policy", r.Kind));
    }

    private static Task<string> PlanAsync(NpgsqlConnection connection, CertificateQuery query)
    {
        var (sql, values) = PostgresStore.BuildSearch(query);
        return ExplainAsync(connection, sql, values);
    }

    private static async Task<string> ExplainAsync(NpgsqlConnection connection, string sql, List<NpgsqlParameter> values)
    {
        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
        values.ForEach(v => explain.Parameters.Add(v));
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        return string.Join('\n', plan);
    }
}
