using Npgsql;

namespace Estuary.Storage.Postgres;

/// <summary>One queued write of <see cref="PostgresGroupCommit"/>: its statements and how to read its result.</summary>
internal abstract class PostgresWrite
{
    /// <summary>Index of this write's first statement in the batch, and how many it added.</summary>
    public int First { get; set; }

    public int Count { get; set; }

    public abstract void AddStatements(NpgsqlBatch batch);

    public abstract void Succeed(NpgsqlBatch batch);

    public abstract void Fail(Exception e);
}

/// <summary>A write whose result is computed from its statements once committed.</summary>
internal sealed class PostgresWrite<T>(Action<NpgsqlBatch> addStatements, Func<IReadOnlyList<NpgsqlBatchCommand>, T> result) : PostgresWrite
{
    public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void AddStatements(NpgsqlBatch batch) => addStatements(batch);

    public override void Succeed(NpgsqlBatch batch)
    {
        var mine = new NpgsqlBatchCommand[Count];
        for (var i = 0; i < Count; i++)
        {
            mine[i] = batch.BatchCommands[First + i];
        }

        try
        {
            Completion.TrySetResult(result(mine));
        }
        catch (Exception e) when (e is DuplicateSerialException or InvalidOperationException)
        {
            Completion.TrySetException(e);
        }
    }

    public override void Fail(Exception e) => Completion.TrySetException(e);
}
