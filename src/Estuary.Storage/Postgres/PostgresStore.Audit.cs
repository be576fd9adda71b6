using Npgsql;

namespace Estuary.Storage.Postgres;

/// <summary>The audit log of <see cref="PostgresStore"/>.</summary>
public sealed partial class PostgresStore
{
    public Task AppendAuditAsync(AuditEvent audit, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            batch =>
            {
                var insert = new NpgsqlBatchCommand("INSERT INTO audit (time, kind, actor, detail) VALUES ($1, $2, $3, $4)");
                AddAuditParameters(insert.Parameters, audit);
                batch.BatchCommands.Add(insert);
            },
            _ => true,
            cancellationToken);

    public Task<IReadOnlyList<AuditEvent>> ListAuditAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT time, kind, actor, detail FROM audit ORDER BY id DESC LIMIT $1",
            p => p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = limit }),
            async (r, ct) =>
            {
                var list = new List<AuditEvent>();
                while (await r.ReadAsync(ct))
                {
                    list.Add(new AuditEvent(r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetString(2), r.GetString(3)));
                }

                return (IReadOnlyList<AuditEvent>)list;
            },
            cancellationToken);

    /// <summary>Adds time, kind, actor, detail as the next four positional parameters.</summary>
    private static void AddAuditParameters(NpgsqlParameterCollection p, AuditEvent audit)
    {
        p.Add(Time(audit.Time));
        p.Add(Text(audit.Kind));
        p.Add(Text(audit.Actor));
        p.Add(Text(audit.Detail));
    }
}
