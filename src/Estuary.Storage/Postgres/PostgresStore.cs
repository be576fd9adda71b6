using System.Net.Sockets;
using Npgsql;

namespace Estuary.Storage.Postgres;

/// <summary>
/// The shared store for several Estuary nodes: PostgreSQL through Npgsql, with synchronous_commit on
/// (a write's task completes only after PostgreSQL has flushed its commit). Each node commits its
/// concurrent writes together (<see cref="PostgresGroupCommit"/>). One partial file per area of records
/// (certificates, accounts, audit, health): a new area is a new file.
/// </summary>
public sealed partial class PostgresStore : IEstuaryStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresGroupCommit _writer;

    private PostgresStore(NpgsqlDataSource dataSource, bool groupCommit)
    {
        _dataSource = dataSource;
        _writer = new PostgresGroupCommit(dataSource, groupCommit);
    }

    /// <summary>Connects, applies pending migrations, and returns the store.</summary>
    /// <exception cref="StorageUnavailableException">The database cannot be reached.</exception>
    public static async Task<PostgresStore> OpenAsync(string connectionString, bool groupCommit = true, CancellationToken cancellationToken = default)
    {
        var dataSource = CreateDataSource(connectionString);
        try
        {
            await MigrateAsync(dataSource, cancellationToken);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }

        return new PostgresStore(dataSource, groupCommit);
    }

    /// <summary>`estuary db migrate`: applies pending migrations; returns the versions before and after.</summary>
    public static async Task<(int From, int To)> MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var dataSource = CreateDataSource(connectionString);
        return await MigrateAsync(dataSource, cancellationToken);
    }

    /// <summary>Host, port and database of a connection string: never the password.</summary>
    public static string DescribeConnection(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Host}:{b.Port}/{b.Database}";
    }

    private static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            // The handful of statements on the enrollment path are prepared once per connection.
            builder.MaxAutoPrepare = 32;
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "estuary";
        }

        // Durability is not negotiable: whatever the server's default, commits wait for the WAL flush.
        builder.Options = string.IsNullOrEmpty(builder.Options) ? "-c synchronous_commit=on" : builder.Options + " -c synchronous_commit=on";
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    private static async Task<(int From, int To)> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await ExecuteAsync(connection, $"SELECT pg_advisory_lock({PostgresSchema.MigrationLock})", cancellationToken);
            try
            {
                await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken);
                await using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection);
                var from = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
                for (var version = from + 1; version <= PostgresSchema.Migrations.Length; version++)
                {
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                    await using (var migrate = new NpgsqlCommand(PostgresSchema.Migrations[version - 1], connection, transaction))
                    {
                        await migrate.ExecuteNonQueryAsync(cancellationToken);
                    }

                    await using (var record = new NpgsqlCommand($"INSERT INTO schema_version (version) VALUES ({version})", connection, transaction))
                    {
                        await record.ExecuteNonQueryAsync(cancellationToken);
                    }

                    await transaction.CommitAsync(cancellationToken);
                }

                return (from, Math.Max(from, PostgresSchema.Migrations.Length));
            }
            finally
            {
                await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({PostgresSchema.MigrationLock})", CancellationToken.None);
            }
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw Unavailable(e);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs a query on a pooled connection; an unreachable database becomes <see cref="StorageUnavailableException"/>.</summary>
    private async Task<T> QueryAsync<T>(string sql, Action<NpgsqlParameterCollection>? bind, Func<NpgsqlDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand(sql);
            bind?.Invoke(command.Parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await read(reader, cancellationToken);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            // Idle pooled connections are likely as dead as this one (restart, failover): drop them all
            // so that the next request opens a fresh connection instead of failing on a stale one.
            _dataSource.Clear();
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// Connection-level failures: the database is down, unreachable, restarting or out of connections.
    /// A PostgresException with another SQLSTATE is a real error (a bug, a constraint) and stays one.
    /// </summary>
    internal static bool IsUnavailable(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
            || pg.SqlState is "57P01" or "57P02" or "57P03" // admin/crash shutdown, cannot connect now
            || pg.SqlState is "53300" or "25006", // too many connections; read-only transaction (a standby after failover)
        NpgsqlException => true, // socket, TLS, timeout, pool exhausted
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    internal static StorageUnavailableException Unavailable(Exception e) =>
        new("the PostgreSQL database is unavailable: " + e.Message, e);

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
