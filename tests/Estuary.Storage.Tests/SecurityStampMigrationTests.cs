using Estuary.Storage.Postgres;
using Estuary.Storage.Sqlite;
using Estuary.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>
/// Upgrading a database made before administrators had a security stamp gives each existing administrator a
/// random one of its own (SQLite migration 7, PostgreSQL migration 6): an empty or shared stamp would let
/// sessions of one survive, or match, another's. The same upgrade gives each existing certificate the account
/// that owns it (SQLite migration 8, PostgreSQL migration 7), following renewals back to the Basic login that
/// began them: certificates authenticate as that account.
/// </summary>
public sealed class SecurityStampMigrationTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    // admin_users as it was before the stamp (with api_keys and the certificate columns the later migrations touch).
    private const string AdminsBefore = "username, password_hash, failed_logins, locked_until, created_at, enabled";

    // A enrolled by alice, renewed by B, renewed by C; D by bob; E renewed a certificate nobody recorded.
    private const string Lineage =
        "INSERT INTO certificates (serial, requested_by, issued_at) VALUES ('A', 'basic:alice', 1), ('B', 'cert:A', 1), ('C', 'cert:B', 1), ('D', 'basic:bob', 1), ('E', 'cert:ZZ', 1);";

    private static readonly List<(string, string?)> ExpectedOwners = [("A", "alice"), ("B", "alice"), ("C", "alice"), ("D", "bob"), ("E", null)];

    [Fact]
    public async Task Sqlite_administrators_of_an_older_database_each_get_a_random_stamp()
    {
        var dir = Directory.CreateTempSubdirectory("estuary-stamp-").FullName;
        var path = Path.Combine(dir, "estuary.db");
        try
        {
            await using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await old.OpenAsync();
                await using var create = old.CreateCommand();
                create.CommandText = $"""
                    CREATE TABLE schema_version (version INTEGER NOT NULL);
                    INSERT INTO schema_version (version) VALUES (6);
                    CREATE TABLE admin_users (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, failed_logins INTEGER NOT NULL, locked_until INTEGER, created_at INTEGER NOT NULL, enabled INTEGER NOT NULL DEFAULT 1);
                    INSERT INTO admin_users ({AdminsBefore}) VALUES ('alice', 'h', 0, NULL, 0, 1), ('bob', 'h', 0, NULL, 0, 1);
                    CREATE TABLE certificates (serial TEXT PRIMARY KEY, subject TEXT NOT NULL DEFAULT '', sans TEXT NOT NULL DEFAULT '', label TEXT NOT NULL DEFAULT 'default', requested_by TEXT NOT NULL, issued_at INTEGER NOT NULL, revoked_at INTEGER, issuer TEXT NOT NULL DEFAULT '', not_after INTEGER NOT NULL DEFAULT 0, revocation_reason INTEGER);
                    CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, scope TEXT NOT NULL, secret_hash TEXT NOT NULL, created_at INTEGER NOT NULL, created_by TEXT NOT NULL);
                    {Lineage}
                    """;
                await create.ExecuteNonQueryAsync();
            }

            await using var store = await SqliteStore.OpenAsync(path);
            AssertDistinctRandomStamps(await store.ListAdminsAsync(default));
            await using var read = new SqliteConnection($"Data Source={path};Pooling=False");
            await read.OpenAsync();
            await using var owners = read.CreateCommand();
            owners.CommandText = "SELECT serial, account FROM certificates ORDER BY serial";
            await using var reader = await owners.ExecuteReaderAsync();
            var found = new List<(string, string?)>();
            while (await reader.ReadAsync())
            {
                found.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
            }

            Assert.Equal(ExpectedOwners, found);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_administrators_of_an_older_database_each_get_a_random_stamp()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        await using (var old = new NpgsqlConnection(connectionString))
        {
            await old.OpenAsync();
            await using var create = new NpgsqlCommand(
                $"""
                CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
                INSERT INTO schema_version (version) VALUES (5);
                CREATE TABLE admin_users (username text PRIMARY KEY, password_hash text NOT NULL, failed_logins integer NOT NULL, locked_until timestamptz, created_at timestamptz NOT NULL, enabled boolean NOT NULL DEFAULT true);
                INSERT INTO admin_users ({AdminsBefore}) VALUES ('alice', 'h', 0, NULL, now(), true), ('bob', 'h', 0, NULL, now(), true);
                CREATE TABLE certificates (serial text PRIMARY KEY, subject text NOT NULL DEFAULT '', sans text NOT NULL DEFAULT '', label text NOT NULL DEFAULT 'default', requested_by text NOT NULL, issued_at timestamptz NOT NULL DEFAULT now(), revoked_at timestamptz, issuer text NOT NULL DEFAULT '', not_after timestamptz NOT NULL DEFAULT now(), revocation_reason integer);
                CREATE TABLE audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, time timestamptz NOT NULL, kind text NOT NULL, actor text NOT NULL, detail text NOT NULL);
                CREATE TABLE api_keys (id text PRIMARY KEY, name text NOT NULL, scope text NOT NULL, secret_hash text NOT NULL, created_at timestamptz NOT NULL, created_by text NOT NULL);
                {Lineage.Replace(", 1)", ", now())", StringComparison.Ordinal)}
                """,
                old);
            await create.ExecuteNonQueryAsync();
        }

        await using var store = await PostgresStore.OpenAsync(connectionString);
        AssertDistinctRandomStamps(await store.ListAdminsAsync(default));
        await using var read = new NpgsqlConnection(connectionString);
        await read.OpenAsync();
        await using var owners = new NpgsqlCommand("SELECT serial, account FROM certificates ORDER BY serial", read);
        await using var reader = await owners.ExecuteReaderAsync();
        var found = new List<(string, string?)>();
        while (await reader.ReadAsync())
        {
            found.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        Assert.Equal(ExpectedOwners, found);
    }

    private static void AssertDistinctRandomStamps(IReadOnlyList<AdminUser> admins)
    {
        Assert.Equal(["alice", "bob"], admins.Select(a => a.Username));
        Assert.All(admins, a => Assert.Equal(64, a.SecurityStamp.Length));
        Assert.All(admins, a => Assert.True(a.SecurityStamp.All(char.IsAsciiHexDigit), a.SecurityStamp));
        Assert.NotEqual(admins[0].SecurityStamp, admins[1].SecurityStamp);
    }
}
