using Npgsql;
using NpgsqlTypes;

namespace Estuary.Storage.Postgres;

/// <summary>Enrollments held for approval (RFC 7030 §4.2.3) in <see cref="PostgresStore"/>.</summary>
public sealed partial class PostgresStore
{
    private const string PendingColumns =
        "id, request_key, label, requester, operation, replaces, csr, subject, created_at, status, reason, issued_serial, decided_by, decided_at";

    /// <summary>
    /// The id is taken from the identity sequence first (the group-commit writer reads no RETURNING
    /// values), so the audit detail can name it; a failed insert only leaves a gap in the ids.
    /// </summary>
    public async Task<long> InsertPendingRequestAsync(PendingRequest request, AuditEvent audit, CancellationToken cancellationToken)
    {
        var id = await QueryAsync("SELECT nextval(pg_get_serial_sequence('pending_requests', 'id'))", null, ReadLongAsync, cancellationToken);
        var named = audit with { Detail = $"request {id}: {audit.Detail}" };
        return await _writer.WriteAsync(
            batch =>
            {
                var insert = new NpgsqlBatchCommand(
                    """
                    WITH p AS (
                        INSERT INTO pending_requests (id, request_key, label, requester, operation, replaces, csr, subject, created_at, status, reason, issued_serial, decided_by, decided_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL, NULL, NULL) RETURNING 1)
                    INSERT INTO audit (time, kind, actor, detail) SELECT $11, $12, $13, $14 FROM p
                    """);
                var p = insert.Parameters;
                p.Add(Bigint(id));
                p.Add(Text(request.RequestKey));
                p.Add(Text(request.Label));
                p.Add(Text(request.Requester));
                p.Add(Text(request.Operation));
                p.Add(Text(request.Replaces));
                p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = request.Csr });
                p.Add(Text(request.Subject));
                p.Add(Time(request.CreatedAt));
                p.Add(Text(request.Status));
                AddAuditParameters(p, named);
                batch.BatchCommands.Add(insert);
            },
            _ => id,
            cancellationToken);
    }

    public Task<PendingRequest?> FindPendingRequestAsync(long id, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {PendingColumns} FROM pending_requests WHERE id = $1",
            p => p.Add(Bigint(id)),
            async (r, ct) => await r.ReadAsync(ct) ? ReadPending(r) : null,
            cancellationToken);

    public Task<PendingRequest?> FindLatestPendingRequestAsync(string requestKey, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {PendingColumns} FROM pending_requests WHERE request_key = $1 ORDER BY id DESC LIMIT 1",
            p => p.Add(Text(requestKey)),
            async (r, ct) => await r.ReadAsync(ct) ? ReadPending(r) : null,
            cancellationToken);

    public Task<IReadOnlyList<PendingRequest>> ListPendingRequestsAsync(string? status, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {PendingColumns} FROM pending_requests WHERE $1::text IS NULL OR status = $1 ORDER BY id DESC LIMIT $2",
            p =>
            {
                p.Add(Text(status));
                p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = limit });
            },
            async (r, ct) =>
            {
                var list = new List<PendingRequest>();
                while (await r.ReadAsync(ct))
                {
                    list.Add(ReadPending(r));
                }

                return (IReadOnlyList<PendingRequest>)list;
            },
            cancellationToken);

    public Task<bool> DecidePendingRequestAsync(long id, string expectedStatus, string newStatus, string? reason, string actor, DateTimeOffset at, AuditEvent audit, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            batch =>
            {
                // One statement: the audit row exists exactly when this call moved the request; a concurrent
                // decision is re-checked after its row lock (READ COMMITTED), so only one of them wins.
                var decide = new NpgsqlBatchCommand(
                    """
                    WITH d AS (
                        UPDATE pending_requests SET status = $1, reason = $2, decided_by = $3, decided_at = $4
                        WHERE id = $5 AND status = $6 RETURNING 1)
                    INSERT INTO audit (time, kind, actor, detail) SELECT $7, $8, $9, $10 FROM d
                    """);
                var p = decide.Parameters;
                p.Add(Text(newStatus));
                p.Add(Text(reason));
                p.Add(Text(actor));
                p.Add(Time(at));
                p.Add(Bigint(id));
                p.Add(Text(expectedStatus));
                AddAuditParameters(p, audit);
                batch.BatchCommands.Add(decide);
            },
            statements => statements[0].RecordsAffected == 1,
            cancellationToken);

    /// <summary>
    /// One statement: request marked issued, certificate row, audit row — all or nothing. The certificate
    /// insert has no ON CONFLICT on purpose: a duplicate serial must abort the whole statement so that the
    /// request is not marked issued without its certificate. That error sinks the shared batch (the writer
    /// then retries each write alone), an acceptable cost for a practically impossible random-serial clash.
    /// </summary>
    public async Task<bool> CompletePendingRequestAsync(long id, CertificateRecord certificate, AuditEvent audit, CancellationToken cancellationToken)
    {
        try
        {
            return await _writer.WriteAsync(
                batch =>
                {
                    var complete = new NpgsqlBatchCommand(
                        $"""
                        WITH p AS (
                            UPDATE pending_requests SET status = $1, issued_serial = $2
                            WHERE id = $3 AND status = $4 RETURNING 1),
                        c AS (
                            INSERT INTO certificates ({CertificateColumns})
                            SELECT $2, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, NULL::timestamptz, NULL::integer, $20 FROM p
                            RETURNING 1)
                        INSERT INTO audit (time, kind, actor, detail) SELECT $16, $17, $18, $19 FROM c
                        """);
                    var p = complete.Parameters;
                    p.Add(Text(PendingRequestStatus.Issued));
                    p.Add(Text(certificate.Serial));
                    p.Add(Bigint(id));
                    p.Add(Text(PendingRequestStatus.Approved));
                    AddCertificateFields(p, certificate);
                    AddAuditParameters(p, audit);
                    p.Add(Text(certificate.Account));
                    batch.BatchCommands.Add(complete);
                },
                statements => statements[0].RecordsAffected == 1,
                cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DuplicateSerialException($"serial {certificate.Serial} is already recorded", e);
        }
    }

    private static PendingRequest ReadPending(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0),
        RequestKey = r.GetString(1),
        Label = r.GetString(2),
        Requester = r.GetString(3),
        Operation = r.GetString(4),
        Replaces = r.IsDBNull(5) ? null : r.GetString(5),
        Csr = r.GetFieldValue<byte[]>(6),
        Subject = r.GetString(7),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(8),
        Status = r.GetString(9),
        Reason = r.IsDBNull(10) ? null : r.GetString(10),
        IssuedSerial = r.IsDBNull(11) ? null : r.GetString(11),
        DecidedBy = r.IsDBNull(12) ? null : r.GetString(12),
        DecidedAt = r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
    };

    private static NpgsqlParameter Bigint(long value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = value };
}
