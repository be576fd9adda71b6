using Microsoft.Data.Sqlite;

namespace Estuary.Storage.Sqlite;

/// <summary>Enrollments held for approval (RFC 7030 §4.2.3).</summary>
public sealed partial class SqliteStore
{
    private const string PendingColumns =
        "id, request_key, label, requester, operation, replaces, csr, subject, created_at, status, reason, issued_serial, decided_by, decided_at";

    public Task<long> InsertPendingRequestAsync(PendingRequest request, AuditEvent audit, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            long id;
            using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO pending_requests (request_key, label, requester, operation, replaces, csr, subject, created_at, status, reason, issued_serial, decided_by, decided_at)
                    VALUES ($key, $label, $requester, $op, $replaces, $csr, $subject, $created, $status, NULL, NULL, NULL, NULL);
                    SELECT last_insert_rowid();
                    """;
                insert.Parameters.AddWithValue("$key", request.RequestKey);
                insert.Parameters.AddWithValue("$label", request.Label);
                insert.Parameters.AddWithValue("$requester", request.Requester);
                insert.Parameters.AddWithValue("$op", request.Operation);
                insert.Parameters.AddWithValue("$replaces", (object?)request.Replaces ?? DBNull.Value);
                insert.Parameters.AddWithValue("$csr", request.Csr);
                insert.Parameters.AddWithValue("$subject", request.Subject);
                insert.Parameters.AddWithValue("$created", request.CreatedAt.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("$status", request.Status);
                id = (long)insert.ExecuteScalar()!;
            }

            InsertAudit(connection, transaction, audit with { Detail = $"request {id}: {audit.Detail}" });
            return id;
        });

    public async Task<PendingRequest?> FindPendingRequestAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {PendingColumns} FROM pending_requests WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadPending(reader) : null;
    }

    public async Task<PendingRequest?> FindLatestPendingRequestAsync(string requestKey, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {PendingColumns} FROM pending_requests WHERE request_key = $key ORDER BY id DESC LIMIT 1";
        command.Parameters.AddWithValue("$key", requestKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadPending(reader) : null;
    }

    public async Task<IReadOnlyList<PendingRequest>> ListPendingRequestsAsync(string? status, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {PendingColumns} FROM pending_requests WHERE $status IS NULL OR status = $status ORDER BY id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$status", (object?)status ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<PendingRequest>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadPending(reader));
        }

        return list;
    }

    public Task<bool> DecidePendingRequestAsync(long id, string expectedStatus, string newStatus, string? reason, string actor, DateTimeOffset at, AuditEvent audit, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE pending_requests SET status = $new, reason = $reason, decided_by = $by, decided_at = $at WHERE id = $id AND status = $expected";
            update.Parameters.AddWithValue("$new", newStatus);
            update.Parameters.AddWithValue("$reason", (object?)reason ?? DBNull.Value);
            update.Parameters.AddWithValue("$by", actor);
            update.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$expected", expectedStatus);
            if (update.ExecuteNonQuery() == 0)
            {
                return false;
            }

            InsertAudit(connection, transaction, audit);
            return true;
        });

    public Task<bool> CompletePendingRequestAsync(long id, CertificateRecord certificate, AuditEvent audit, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            using (var update = connection.CreateCommand())
            {
                update.Transaction = transaction;
                update.CommandText = "UPDATE pending_requests SET status = $issued, issued_serial = $serial WHERE id = $id AND status = $approved";
                update.Parameters.AddWithValue("$issued", PendingRequestStatus.Issued);
                update.Parameters.AddWithValue("$serial", certificate.Serial);
                update.Parameters.AddWithValue("$id", id);
                update.Parameters.AddWithValue("$approved", PendingRequestStatus.Approved);
                if (update.ExecuteNonQuery() == 0)
                {
                    return false;
                }
            }

            InsertCertificate(connection, transaction, certificate);

            InsertAudit(connection, transaction, audit);
            return true;
        });

    private static PendingRequest ReadPending(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0),
        RequestKey = r.GetString(1),
        Label = r.GetString(2),
        Requester = r.GetString(3),
        Operation = r.GetString(4),
        Replaces = r.IsDBNull(5) ? null : r.GetString(5),
        Csr = (byte[])r.GetValue(6),
        Subject = r.GetString(7),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)),
        Status = r.GetString(9),
        Reason = r.IsDBNull(10) ? null : r.GetString(10),
        IssuedSerial = r.IsDBNull(11) ? null : r.GetString(11),
        DecidedBy = r.IsDBNull(12) ? null : r.GetString(12),
        DecidedAt = r.IsDBNull(13) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(13)),
    };
}
