using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace Estuary.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster: initdb in a temp folder, postgres on a free loopback port with its unix
/// socket in the same folder, trust authentication (it listens on 127.0.0.1 only), stopped and deleted at
/// the end. As root it runs as the `postgres` OS user (initdb refuses root). It never touches a cluster
/// the Debian package may have started on 5432. Binaries: ESTUARY_PG_BIN or /usr/lib/postgresql/NEWEST/bin.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "estuary-pg-" + Guid.NewGuid().ToString("N")[..12]);

    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(_root, "data");

    private string LogFile => Path.Combine(_root, "postgres.log");

    public static string BinDirectory
    {
        get
        {
            if (Environment.GetEnvironmentVariable("ESTUARY_PG_BIN") is { Length: > 0 } configured)
            {
                return configured;
            }

            var versions = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [];
            var newest = versions
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .FirstOrDefault();
            return newest is null
                ? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql (install the Debian package postgresql, or set ESTUARY_PG_BIN)")
                : Path.Combine(newest, "bin");
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>A connection string for <paramref name="database"/> as the superuser `postgres`.</summary>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Timeout = 5 }.ConnectionString;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        if (IsRoot)
        {
            await RunAsync("/bin/chown", $"postgres:postgres {_root}", asPostgres: false);
        }

        await RunAsync(Path.Combine(BinDirectory, "initdb"), $"-D {DataDirectory} -U postgres -A trust -E UTF8 --no-sync", asPostgres: true);
        Port = FreePort();
        await StartAsync();
    }

    /// <summary>Starts (or restarts after <see cref="StopAsync"/>) the server, waiting until it accepts connections.</summary>
    public Task StartAsync() =>
        RunAsync(Path.Combine(BinDirectory, "pg_ctl"), $"-D {DataDirectory} -l {LogFile} -w -t 60 -o \"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c max_connections=200\" start", asPostgres: true);

    /// <summary>Stops the server (fast shutdown: clients are disconnected, nothing committed is lost).</summary>
    public Task StopAsync() =>
        RunAsync(Path.Combine(BinDirectory, "pg_ctl"), $"-D {DataDirectory} -w -t 60 -m fast stop", asPostgres: true);

    /// <summary>A new empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "estuary_" + Guid.NewGuid().ToString("N")[..12];
        // No pooling: a pooled connection would be stale after a StopAsync/StartAsync.
        await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunAsync(Path.Combine(BinDirectory, "pg_ctl"), $"-D {DataDirectory} -w -t 60 -m immediate stop", asPostgres: true, check: false);
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RunAsync(string program, string arguments, bool asPostgres, bool check = true)
    {
        var (exitCode, output) = asPostgres && IsRoot
            ? await Processes.RunAsync("/usr/sbin/runuser", $"-u postgres -- {program} {arguments}", timeout: TimeSpan.FromMinutes(2), workingDirectory: _root)
            : await Processes.RunAsync(program, arguments, timeout: TimeSpan.FromMinutes(2), workingDirectory: _root);
        if (check && exitCode != 0)
        {
            var log = File.Exists(LogFile) ? await File.ReadAllTextAsync(LogFile) : "";
            throw new InvalidOperationException($"{Path.GetFileName(program)} {arguments} failed ({exitCode}): {output}\n{log}");
        }
    }
}
