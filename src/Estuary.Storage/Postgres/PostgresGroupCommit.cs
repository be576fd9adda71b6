using System.Threading.Channels;
using Npgsql;

namespace Estuary.Storage.Postgres;

/// <summary>
/// Group commit for PostgreSQL: writes arriving while a commit is in flight wait and are then sent
/// together as one batch — one round trip, one implicit transaction (Npgsql sends a batch with a single
/// Sync, so PostgreSQL commits it all or nothing), one WAL flush. Durability is unchanged: each write's
/// task completes only after the commit that holds it has returned. Writes are single statements that
/// cannot fail on a duplicate key (ON CONFLICT DO NOTHING, the caller reads the affected rows), so one
/// request cannot sink its neighbours; any other failure of a shared batch retries each write alone.
/// </summary>
internal sealed class PostgresGroupCommit : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly NpgsqlDataSource _dataSource;
    private readonly Channel<PostgresWrite>? _writes;
    private readonly Task _loop = Task.CompletedTask;

    public PostgresGroupCommit(NpgsqlDataSource dataSource, bool enabled)
    {
        _dataSource = dataSource;
        if (enabled)
        {
            _writes = Channel.CreateUnbounded<PostgresWrite>(new UnboundedChannelOptions { SingleReader = true });
            _loop = Task.Run(LoopAsync);
        }
    }

    /// <summary>Queues a write and completes once it is committed (or has failed).</summary>
    public Task<T> WriteAsync<T>(Action<NpgsqlBatch> addStatements, Func<IReadOnlyList<NpgsqlBatchCommand>, T> result, CancellationToken cancellationToken)
    {
        var write = new PostgresWrite<T>(addStatements, result);
        if (_writes is null)
        {
            return ExecuteAloneAsync(write, cancellationToken);
        }

        ObjectDisposedException.ThrowIf(!_writes.Writer.TryWrite(write), this);
        return write.Completion.Task;
    }

    private async Task<T> ExecuteAloneAsync<T>(PostgresWrite<T> write, CancellationToken cancellationToken)
    {
        await ExecuteAsync([write], cancellationToken);
        return await write.Completion.Task;
    }

    private async Task LoopAsync()
    {
        var batch = new List<PostgresWrite>(MaxBatch);
        var reader = _writes!.Reader;
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            await ExecuteAsync(batch, CancellationToken.None);
        }
    }

    /// <summary>Commits the writes as one batch; never throws (each write's task carries its outcome).</summary>
    private async Task ExecuteAsync(List<PostgresWrite> writes, CancellationToken cancellationToken)
    {
        try
        {
            await using var batch = _dataSource.CreateBatch();
            foreach (var write in writes)
            {
                write.First = batch.BatchCommands.Count;
                write.AddStatements(batch);
                write.Count = batch.BatchCommands.Count - write.First;
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            foreach (var write in writes)
            {
                write.Succeed(batch);
            }
        }
        catch (Exception e) when (PostgresStore.IsUnavailable(e))
        {
            // Nothing of the batch was committed — or, if the connection broke during the commit itself,
            // PostgreSQL may have committed it; either way no certificate leaves without its record.
            _dataSource.Clear(); // idle pooled connections are likely stale too (restart, failover)
            var unavailable = PostgresStore.Unavailable(e);
            foreach (var write in writes)
            {
                write.Fail(unavailable);
            }
        }
        catch (Exception e) when (writes.Count > 1)
        {
            // One write broke the shared transaction (nothing was committed): give each its own.
            _ = e;
            foreach (var write in writes)
            {
                await ExecuteAsync([write], cancellationToken);
            }
        }
        catch (Exception e)
        {
            writes[0].Fail(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _writes?.Writer.TryComplete();
        await _loop;
    }
}
