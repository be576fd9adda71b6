using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Estuary.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a committed write survives
/// power loss. Writes go through one writer that commits concurrent requests together (group commit):
/// durability is never weakened, its cost is shared.
/// </summary>
public sealed partial class SqliteStore : IEstuaryStore
{
    private const int MaxBatch = 256;
    private readonly string _connectionString;
    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _writer;
    private readonly Task _writerLoop;

    private SqliteStore(string connectionString, SqliteConnection writer)
    {
        _connectionString = connectionString;
        _writer = writer;
        _writerLoop = Task.Run(WriteLoopAsync);
    }

    public string Path { get; private init; } = "";

    /// <summary>Opens (creating if needed) the database file and applies pending migrations.</summary>
    public static async Task<SqliteStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        CreateOwnerOnly(path);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        var writer = new SqliteConnection(connectionString);
        await writer.OpenAsync(cancellationToken);
        await ExecuteAsync(writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;", cancellationToken);
        await MigrateAsync(writer, cancellationToken);
        return new SqliteStore(connectionString, writer) { Path = path };
    }

    /// <summary>
    /// Creates a missing database file empty (a valid empty SQLite database) with mode 0600 before SQLite opens it.
    /// SQLite itself would create it 0644 minus the umask; and it creates -wal and -shm with the mode of the
    /// database file (os_unix.c, findCreateFileMode), so a 0600 database keeps its WAL and shared memory 0600 too.
    /// </summary>
    private static void CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows() || File.Exists(path))
        {
            return;
        }

        try
        {
            using var created = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: SQLite opens that one.
        }
    }

    private static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", cancellationToken);
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        var current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        for (var version = current + 1; version <= SqliteSchema.Migrations.Length; version++)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using (var migrate = connection.CreateCommand())
            {
                migrate.Transaction = transaction;
                migrate.CommandText = SqliteSchema.Migrations[version - 1] + $"; INSERT INTO schema_version (version) VALUES ({version});";
                await migrate.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Queues a write for the next group commit and waits until it is durable.</summary>
    private Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> apply)
    {
        var pending = new PendingWrite<T>(apply);
        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(pending), this);

        return pending.Completion.Task;
    }

    /// <summary>
    /// The one writer: commits what is queued, up to <see cref="MaxBatch"/> writes per transaction, and between commits
    /// moves queued serials into the trigram index (<see cref="IndexPendingText"/>) at most every
    /// <see cref="TextIndexInterval"/>, and once more when the store closes.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        var reader = _writes.Reader;
        var textPending = true; // rows may be queued by a run that stopped, or by another process (the seeder)
        var lastIndexed = Environment.TickCount64;
        while (true)
        {
            bool more;
            if (textPending)
            {
                var wait = TextIndexInterval - TimeSpan.FromMilliseconds(Environment.TickCount64 - lastIndexed);
                using var timeout = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
                try
                {
                    more = await reader.WaitToReadAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    textPending = IndexPendingText(TextIndexBatch) == TextIndexBatch;
                    lastIndexed = Environment.TickCount64;
                    continue;
                }
            }
            else
            {
                more = await reader.WaitToReadAsync();
            }

            if (!more)
            {
                break;
            }

            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            CommitBatch(batch);
            textPending = true;
            if (Environment.TickCount64 - lastIndexed >= TextIndexInterval.TotalMilliseconds)
            {
                textPending = IndexPendingText(TextIndexBatch) == TextIndexBatch;
                lastIndexed = Environment.TickCount64;
            }
        }

        IndexPendingText(TextIndexBatch);
    }

    private void CommitBatch(List<PendingWrite> batch)
    {
        SqliteTransaction transaction;
        try
        {
            transaction = _writer.BeginTransaction(deferred: false);
        }
        catch (SqliteException e)
        {
            foreach (var w in batch)
            {
                w.Fail(e);
            }

            return;
        }

        var applied = new List<PendingWrite>(batch.Count);
        using (transaction)
        {
            foreach (var write in batch)
            {
                // A savepoint per write: one failing write (a duplicate serial) does not sink its neighbours.
                transaction.Save("w");
                try
                {
                    write.Apply(_writer, transaction);
                    transaction.Release("w");
                    applied.Add(write);
                }
                catch (Exception e) when (e is SqliteException or DuplicateSerialException or InvalidOperationException)
                {
                    transaction.Rollback("w");
                    transaction.Release("w");
                    write.Fail(e is SqliteException { SqliteErrorCode: 19 } ? new DuplicateSerialException("duplicate key", e) : e);
                }
            }

            try
            {
                transaction.Commit();
            }
            catch (SqliteException e)
            {
                foreach (var w in applied)
                {
                    w.Fail(e);
                }

                return;
            }
        }

        foreach (var w in applied)
        {
            w.Succeed();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writerLoop;
        await _writer.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    private abstract class PendingWrite
    {
        public abstract void Apply(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Succeed();

        public abstract void Fail(Exception e);
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, SqliteTransaction, T> apply) : PendingWrite
    {
        private T? _result;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Apply(SqliteConnection connection, SqliteTransaction transaction) => _result = apply(connection, transaction);

        public override void Succeed() => Completion.TrySetResult(_result!);

        public override void Fail(Exception e) => Completion.TrySetException(e);
    }
}
