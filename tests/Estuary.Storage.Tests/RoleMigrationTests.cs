using Estuary.Storage.Postgres;
using Estuary.Storage.Sqlite;
using Estuary.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>
/// Upgrading a database made before roles (SQLite schema 8 to 9, PostgreSQL 7 to 8): every existing administrator
/// keeps the power it had (administrator); a write key becomes administrator and a read key auditor; existing keys
/// keep never expiring and have no recorded use.
/// </summary>
public sealed class RoleMigrationTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Fact]
    public async Task Sqlite_administrators_become_administrator_and_keys_get_the_role_of_their_scope()
    {
        var dir = Directory.CreateTempSubdirectory("estuary-roles-").FullName;
        var path = Path.Combine(dir, "estuary.db");
        try
        {
            await using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await old.OpenAsync();
                await using var create = old.CreateCommand();
                create.CommandText = """
                    CREATE TABLE schema_version (version INTEGER NOT NULL);
                    INSERT INTO schema_version (version) VALUES (8);
                    CREATE TABLE certificates (serial TEXT PRIMARY KEY, subject TEXT NOT NULL, sans TEXT NOT NULL, label TEXT NOT NULL, issued_at INTEGER NOT NULL, revoked_at INTEGER, issuer TEXT NOT NULL DEFAULT '', not_after INTEGER NOT NULL DEFAULT 0, revocation_reason INTEGER);
                    CREATE TABLE admin_users (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, failed_logins INTEGER NOT NULL, locked_until INTEGER, created_at INTEGER NOT NULL,
                        enabled INTEGER NOT NULL DEFAULT 1, security_stamp TEXT NOT NULL DEFAULT '');
                    INSERT INTO admin_users VALUES ('alice', 'h', 0, NULL, 0, 1, 's1'), ('bob', 'h', 2, NULL, 0, 0, 's2');
                    CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, scope TEXT NOT NULL, secret_hash TEXT NOT NULL, created_at INTEGER NOT NULL, created_by TEXT NOT NULL);
                    INSERT INTO api_keys VALUES ('k-read', 'dashboards', 'read', 'x', 1, 'admin:alice'), ('k-write', 'deploy', 'write', 'y', 2, 'admin:alice');
                    CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL, detail TEXT NOT NULL);
                    """;
                await create.ExecuteNonQueryAsync();
            }

            await using var store = await SqliteStore.OpenAsync(path);
            await AssertMigratedAsync(store);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_administrators_become_administrator_and_keys_get_the_role_of_their_scope()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        await using (var old = new NpgsqlConnection(connectionString))
        {
            await old.OpenAsync();
            await using var create = new NpgsqlCommand(
                """
                CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
                INSERT INTO schema_version (version) VALUES (7);
                CREATE TABLE certificates (serial text PRIMARY KEY, subject text NOT NULL, sans text NOT NULL, label text NOT NULL, issued_at timestamptz NOT NULL, revoked_at timestamptz, issuer text NOT NULL DEFAULT '', not_after timestamptz NOT NULL DEFAULT now(), revocation_reason integer);
                CREATE TABLE admin_users (username text PRIMARY KEY, password_hash text NOT NULL, failed_logins integer NOT NULL, locked_until timestamptz, created_at timestamptz NOT NULL,
                    enabled boolean NOT NULL DEFAULT true, security_stamp text NOT NULL DEFAULT '');
                INSERT INTO admin_users VALUES ('alice', 'h', 0, NULL, now(), true, 's1'), ('bob', 'h', 2, NULL, now(), false, 's2');
                CREATE TABLE api_keys (id text PRIMARY KEY, name text NOT NULL, scope text NOT NULL, secret_hash text NOT NULL, created_at timestamptz NOT NULL, created_by text NOT NULL);
                INSERT INTO api_keys VALUES ('k-read', 'dashboards', 'read', 'x', now(), 'admin:alice'), ('k-write', 'deploy', 'write', 'y', now(), 'admin:alice');
                CREATE TABLE audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, time timestamptz NOT NULL, kind text NOT NULL, actor text NOT NULL, detail text NOT NULL);
                """,
                old);
            await create.ExecuteNonQueryAsync();
        }

        await using var store = await PostgresStore.OpenAsync(connectionString);
        await AssertMigratedAsync(store);
    }

    private static async Task AssertMigratedAsync(IManagementStore store)
    {
        var admins = await store.ListAdminsAsync(default);
        Assert.Equal([("alice", AdminRole.Administrator, true), ("bob", AdminRole.Administrator, false)], admins.Select(a => (a.Username, a.Role, a.Enabled)));
        Assert.Equal(["s1", "s2"], admins.Select(a => a.SecurityStamp)); // nothing else changes

        var keys = (await store.ListApiKeysAsync(default)).OrderBy(k => k.Id, StringComparer.Ordinal).ToList();
        Assert.Equal([("k-read", AdminRole.Auditor), ("k-write", AdminRole.Administrator)], keys.Select(k => (k.Id, k.Role)));
        Assert.All(keys, k => Assert.Null(k.ExpiresAt));
        Assert.All(keys, k => Assert.Null(k.LastUsedAt));

        // A new administrator inserted after the upgrade gets the role it is given, not the migration's.
        Assert.True(await store.InsertAdminAsync(
            new AdminUser { Username = "carol", PasswordHash = "h", CreatedAt = DateTimeOffset.UnixEpoch, SecurityStamp = "s3", Role = AdminRole.RaOfficer },
            new AuditEvent(DateTimeOffset.UnixEpoch, "admin.created", "test", "carol"),
            default));
        Assert.Equal(AdminRole.RaOfficer, (await store.FindAdminAsync("carol", default))!.Role);
    }
}
