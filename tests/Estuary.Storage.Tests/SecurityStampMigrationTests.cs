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
/// sessions of one survive, or match, another's.
/// </summary>
public sealed class SecurityStampMigrationTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    // admin_users as it was before the stamp (the only table the migration touches).
    private const string AdminsBefore = "username, password_hash, failed_logins, locked_until, created_at, enabled";

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
                    """;
                await create.ExecuteNonQueryAsync();
            }

            await using var store = await SqliteStore.OpenAsync(path);
            AssertDistinctRandomStamps(await store.ListAdminsAsync(default));
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
                """,
                old);
            await create.ExecuteNonQueryAsync();
        }

        await using var store = await PostgresStore.OpenAsync(connectionString);
        AssertDistinctRandomStamps(await store.ListAdminsAsync(default));
    }

    private static void AssertDistinctRandomStamps(IReadOnlyList<AdminUser> admins)
    {
        Assert.Equal(["alice", "bob"], admins.Select(a => a.Username));
        Assert.All(admins, a => Assert.Equal(64, a.SecurityStamp.Length));
        Assert.All(admins, a => Assert.True(a.SecurityStamp.All(char.IsAsciiHexDigit), a.SecurityStamp));
        Assert.NotEqual(admins[0].SecurityStamp, admins[1].SecurityStamp);
    }
}
