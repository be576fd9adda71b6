using Estuary.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>
/// The console's and REST API's certificate search at scale (migration 10, docs/BENCHMARKS.md "At a million
/// certificates"): each kind of search reads an index in the order of the answer, or the trigram index for text, and
/// never reads and sorts the whole table. The plans are read as the server runs, without ANALYZE (it never gathers
/// statistics), from SQLite's own planner over 100,000 certificates.
/// </summary>
public sealed class SqliteCertificateSearchPlanTests(SqliteCertificateSearchPlanTests.Database database) : IClassFixture<SqliteCertificateSearchPlanTests.Database>
{
    private const int Certificates = 100_000;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly SqliteConnection _connection = database.Connection;

    private string DatabasePath => database.Path;

    /// <summary>One database of 100,000 certificates for the class (writing them, trigram index included, takes a while).</summary>
    public sealed class Database : IAsyncLifetime
    {
        private readonly string _dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "estuary-search-" + Guid.NewGuid().ToString("N")[..12]);

        public SqliteConnection Connection { get; private set; } = null!;

        public string Path => System.IO.Path.Combine(_dir, "estuary.db");

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(_dir);
            // The schema is the store's (its migrations, triggers included); only the rows are written here.
            await (await SqliteStore.OpenAsync(Path)).DisposeAsync();
            Connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
            await Connection.OpenAsync();
            await using var fill = Connection.CreateCommand();
            // Certificate i: issued at T0 + i minutes, valid a year, label i % 20, every tenth revoked.
            fill.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
                INSERT INTO certificates (serial, subject, sans, issuer, not_before, not_after, requested_by, label, operation, der, issued_at, revoked_at)
                SELECT printf('%032X', i), 'CN=cam-fra-' || printf('%07d', i) || ', O=Example', 'DNS:cam-fra-' || printf('%07d', i) || '.example.net',
                       'CN=Estuary Issuing CA', $t0 + i * 60000, $t0 + i * 60000 + 31536000000, 'basic:est', 'label' || (i % 20), 'simpleenroll',
                       x'3000', $t0 + i * 60000, CASE WHEN i % 10 = 0 THEN $t0 + i * 60000 + 1000 END
                FROM n;
                """;
            fill.Parameters.AddWithValue("$count", Certificates);
            fill.Parameters.AddWithValue("$t0", T0.ToUnixTimeMilliseconds());
            await fill.ExecuteNonQueryAsync();

            // The insert trigger only queued the serials (migration 11); the writer moves them into the index.
            await using (var store = await SqliteStore.OpenAsync(Path))
            {
                await store.IndexPendingTextAsync();
            }

            await using var count = Connection.CreateCommand();
            count.CommandText = "SELECT (SELECT COUNT(*) FROM certificate_text), (SELECT COUNT(*) FROM certificate_text_pending)";
            await using var reader = await count.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal((Certificates, 0), (reader.GetInt32(0), reader.GetInt32(1)));
        }

        public async Task DisposeAsync()
        {
            await Connection.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static DateTimeOffset Now => T0.AddDays(400);

    [Fact]
    public async Task Text_of_three_characters_or_more_is_looked_up_in_the_trigram_index_and_only_its_hits_are_read()
    {
        var plan = await PlanAsync(new CertificateQuery { Text = "cam-fra-00123", Now = Now });

        Assert.Contains(plan, p => p.StartsWith("SCAN certificate_text VIRTUAL TABLE INDEX", StringComparison.Ordinal));
        Assert.Contains(plan, p => p.StartsWith("SEARCH certificates USING INDEX sqlite_autoindex_certificates_1 (serial=?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, p => p.StartsWith("SCAN certificates", StringComparison.Ordinal));
        // And it finds what LIKE finds: cam-fra-0012300 … 0012399, newest first.
        var found = await SearchAsync(new CertificateQuery { Text = "CAM-FRA-00123", Now = Now, Limit = 1000 });
        Assert.Equal(100, found.Count);
        Assert.Equal(Serial(12399), found[0].Serial);
        Assert.Equal(Serial(123), Assert.Single(await SearchAsync(new CertificateQuery { Text = Serial(123).ToLowerInvariant(), Now = Now })).Serial);
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("a\"b OR c*")]
    [InlineData("NEAR(cam fra)")]
    [InlineData("%_%")]
    public async Task Text_with_FTS5_syntax_or_LIKE_wildcards_is_matched_literally(string text)
    {
        Assert.Empty(await SearchAsync(new CertificateQuery { Text = text, Now = Now }));
    }

    [Fact]
    public async Task A_label_is_read_newest_first_from_its_label_and_issued_at_index_without_sorting()
    {
        var plan = await PlanAsync(new CertificateQuery { Label = "label7", Now = Now });

        Assert.Equal("SEARCH certificates USING INDEX certificates_label_issued (label=?)", plan[0]);
        AssertNoFullSort(plan);
    }

    [Fact]
    public async Task Revoked_certificates_are_read_newest_first_from_their_partial_index_without_sorting()
    {
        var plan = await PlanAsync(new CertificateQuery { Status = "revoked", Now = Now });

        Assert.Equal("SCAN certificates USING INDEX certificates_revoked_issued", plan[0]);
        AssertNoFullSort(plan);
    }

    [Theory]
    [InlineData("valid")]
    [InlineData("expired")]
    [InlineData(null)]
    public async Task Other_searches_walk_the_issued_at_index_newest_first_and_stop_at_the_limit(string? status)
    {
        var plan = await PlanAsync(new CertificateQuery { Status = status, Now = Now });

        Assert.Equal("SCAN certificates USING INDEX certificates_issued_status", plan[0]);
        AssertNoFullSort(plan);
    }

    [Fact]
    public async Task Valid_certificates_expiring_soon_are_chosen_from_a_range_of_the_covering_not_after_index()
    {
        var plan = await PlanAsync(new CertificateQuery { Status = "valid", ExpiresBefore = Now.AddDays(30), Now = Now });

        // The newest of the window from the index alone; then only those rows, by serial.
        Assert.Contains(plan, p => p.StartsWith("SEARCH certificates USING COVERING INDEX certificates_valid_not_after (not_after>? AND not_after<?)", StringComparison.Ordinal));
        Assert.Contains(plan, p => p.StartsWith("SEARCH certificates USING INDEX sqlite_autoindex_certificates_1 (serial=?)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Issuance_per_label_is_counted_from_the_issued_at_and_label_index_alone()
    {
        await using var explain = _connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + SqliteStore.CountIssuedSql;
        explain.Parameters.AddWithValue("$since", T0.AddDays(30).ToUnixTimeMilliseconds());

        var plan = await ReadPlanAsync(explain);

        Assert.Contains(plan, p => p.StartsWith("SEARCH certificates USING COVERING INDEX certificates_issued_status (issued_at>?)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_CRLs_revocations_are_read_from_their_covering_index_in_order()
    {
        await using var explain = _connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + SqliteStore.ListRevokedSql;

        var plan = await ReadPlanAsync(explain);

        // One line, no "USE TEMP B-TREE FOR ORDER BY": the index alone, already in the CRL's order.
        Assert.Contains("USING COVERING INDEX certificates_revoked_list", Assert.Single(plan), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_certificate_removes_it_from_the_trigram_index()
    {
        await using (var delete = _connection.CreateCommand())
        {
            delete.CommandText = "DELETE FROM certificates WHERE serial = $s";
            delete.Parameters.AddWithValue("$s", Serial(4242));
            await delete.ExecuteNonQueryAsync();
        }

        Assert.Equal(0L, await ScalarAsync($"SELECT COUNT(*) FROM certificate_text WHERE serial = '{Serial(4242)}'"));
        Assert.Equal(0L, await ScalarAsync($"SELECT COUNT(*) FROM certificate_text_rowid WHERE serial = '{Serial(4242)}'"));
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM certificate_text WHERE certificate_text MATCH '\"cam-fra-0004242\"'"));
        Assert.Equal(1L, await ScalarAsync($"SELECT COUNT(*) FROM certificate_text WHERE serial = '{Serial(4241)}'"));
    }

    [Fact]
    public async Task Every_indexed_certificate_has_its_index_row_remembered_and_deleting_thousands_reads_no_trigram_list()
    {
        Assert.Equal(await ScalarAsync("SELECT COUNT(*) FROM certificate_text"), await ScalarAsync("SELECT COUNT(*) FROM certificate_text_rowid"));
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM certificate_text_rowid m JOIN certificate_text t ON t.rowid = m.text_rowid WHERE t.serial <> m.serial"));

        // 5,000 deletions (the purge that had taken minutes per 10,000 at a million): each is a lookup by rowid.
        var before = (long)(await ScalarAsync("SELECT COUNT(*) FROM certificate_text"))!;
        await ExecuteAsync($"DELETE FROM certificates WHERE issued_at BETWEEN {T0.ToUnixTimeMilliseconds() + (90_001L * 60_000)} AND {T0.ToUnixTimeMilliseconds() + (95_000L * 60_000)}");
        Assert.Equal(before - 5_000, await ScalarAsync("SELECT COUNT(*) FROM certificate_text"));

        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM certificate_text t WHERE NOT EXISTS (SELECT 1 FROM certificates c WHERE c.serial = t.serial)"));
        Assert.Equal(await ScalarAsync("SELECT COUNT(*) FROM certificate_text"), await ScalarAsync("SELECT COUNT(*) FROM certificate_text_rowid"));
    }

    [Fact]
    public async Task Deleting_a_certificate_removes_only_its_own_index_row_not_those_of_serials_containing_it()
    {
        // 'ABCDEF' is a substring of '00ABCDEF00': the MATCH of the delete trigger finds both, the equality keeps the long one.
        await ExecuteAsync("""
            INSERT INTO certificates (serial, subject, sans, issuer, not_before, not_after, requested_by, label, operation, der, issued_at)
            VALUES ('ABCDEF', 'CN=short', '', 'CN=i', 0, 1, 'basic:est', 'x', 'simpleenroll', x'3000', 1),
                   ('00ABCDEF00', 'CN=long', '', 'CN=i', 0, 1, 'basic:est', 'x', 'simpleenroll', x'3000', 2)
            """);
        await using (var store = await SqliteStore.OpenAsync(DatabasePath))
        {
            Assert.Equal(2, await store.IndexPendingTextAsync());
        }

        await ExecuteAsync("DELETE FROM certificates WHERE serial = 'ABCDEF'");

        Assert.Equal("00ABCDEF00", Assert.Single(await SearchAsync(new CertificateQuery { Text = "abcdef", Now = Now })).Serial);
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM certificate_text WHERE serial IN ('ABCDEF', '00ABCDEF00')"));
    }

    [Fact]
    public async Task A_certificate_still_queued_for_the_index_is_found_and_a_deleted_one_leaves_the_queue()
    {
        await ExecuteAsync("""
            INSERT INTO certificates (serial, subject, sans, issuer, not_before, not_after, requested_by, label, operation, der, issued_at)
            VALUES ('FEEDFACE01', 'CN=queued-device', '', 'CN=i', 0, 1, 'basic:est', 'x', 'simpleenroll', x'3000', 3),
                   ('FEEDFACE02', 'CN=queued-device', '', 'CN=i', 0, 1, 'basic:est', 'x', 'simpleenroll', x'3000', 4);
            DELETE FROM certificates WHERE serial = 'FEEDFACE02';
            """);

        // Read with the store's own query on this connection: opening a store would start its writer, which indexes the queue.
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM certificate_text_pending WHERE serial LIKE 'FEEDFACE%'"));
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM certificate_text WHERE serial LIKE 'FEEDFACE%'"));
        await using var search = _connection.CreateCommand();
        SqliteStore.BuildSearch(search, new CertificateQuery { Text = "queued-dev", Now = Now });
        var serials = new List<string>();
        await using (var reader = await search.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                serials.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["FEEDFACE01"], serials);

        // And once the writer has run, the row is in the index and the queue is empty.
        await using (var store = await SqliteStore.OpenAsync(DatabasePath))
        {
            await store.IndexPendingTextAsync();
        }

        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM certificate_text_pending"));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM certificate_text WHERE serial LIKE 'FEEDFACE%'"));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Ties of issued_at may be put in serial order ("… PART/TERM OF ORDER BY"); the rows are never all sorted.</summary>
    private static void AssertNoFullSort(List<string> plan)
    {
        Assert.DoesNotContain("USE TEMP B-TREE FOR ORDER BY", plan);
        Assert.All(plan, p => Assert.True(
            p.StartsWith("SCAN certificates USING INDEX", StringComparison.Ordinal) || p.StartsWith("SEARCH certificates USING INDEX", StringComparison.Ordinal)
            || (p.StartsWith("USE TEMP B-TREE FOR ", StringComparison.Ordinal) && p.EndsWith(" OF ORDER BY", StringComparison.Ordinal)),
            p));
    }

    private static string Serial(int i) => i.ToString("X32", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<List<string>> PlanAsync(CertificateQuery query)
    {
        await using var explain = _connection.CreateCommand();
        SqliteStore.BuildSearch(explain, query);
        explain.CommandText = "EXPLAIN QUERY PLAN " + explain.CommandText;
        return await ReadPlanAsync(explain);
    }

    private static async Task<List<string>> ReadPlanAsync(SqliteCommand explain)
    {
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }

    private async Task<IReadOnlyList<CertificateRecord>> SearchAsync(CertificateQuery query)
    {
        await using var store = await SqliteStore.OpenAsync(DatabasePath);
        return await store.SearchCertificatesAsync(query, default);
    }
}
