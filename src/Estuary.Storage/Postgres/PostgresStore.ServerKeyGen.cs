using Npgsql;
using NpgsqlTypes;

namespace Estuary.Storage.Postgres;

/// <summary>Account decrypt keys and archived server-generated keys (RFC 7030 §4.4) of <see cref="PostgresStore"/>.</summary>
public sealed partial class PostgresStore
{
    // One statement: the audit row exists exactly when the account exists and the key was set.
    public Task<bool> SetAccountDecryptKeyAsync(AccountDecryptKey key, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync(
            """
            INSERT INTO account_decrypt_keys (username, key_id, protected_key, created_at)
            SELECT $1, $2, $3, $4 FROM accounts WHERE username = $1
            ON CONFLICT (username, key_id) DO UPDATE SET protected_key = excluded.protected_key, created_at = excluded.created_at
            """,
            [Text(key.Username), Bytes(key.KeyIdentifier), Bytes(key.ProtectedKey), Time(key.CreatedAt)],
            audit,
            cancellationToken);

    public Task<AccountDecryptKey?> FindAccountDecryptKeyAsync(string username, byte[] keyIdentifier, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT protected_key, created_at FROM account_decrypt_keys WHERE username = $1 AND key_id = $2",
            p =>
            {
                p.Add(Text(username));
                p.Add(Bytes(keyIdentifier));
            },
            async (r, ct) => await r.ReadAsync(ct)
                ? new AccountDecryptKey
                {
                    Username = username,
                    KeyIdentifier = keyIdentifier,
                    ProtectedKey = r.GetFieldValue<byte[]>(0),
                    CreatedAt = r.GetFieldValue<DateTimeOffset>(1),
                }
                : null,
            cancellationToken);

    public Task InsertArchivedKeyAsync(ArchivedKey key, AuditEvent audit, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            batch =>
            {
                var insert = new NpgsqlBatchCommand("INSERT INTO archived_keys (serial, enveloped_key, archived_at) VALUES ($1, $2, $3)");
                insert.Parameters.Add(Text(key.Serial.ToUpperInvariant()));
                insert.Parameters.Add(Bytes(key.EnvelopedKey));
                insert.Parameters.Add(Time(key.ArchivedAt));
                batch.BatchCommands.Add(insert);
                var auditInsert = new NpgsqlBatchCommand("INSERT INTO audit (time, kind, actor, detail) VALUES ($1, $2, $3, $4)");
                AddAuditParameters(auditInsert.Parameters, audit);
                batch.BatchCommands.Add(auditInsert);
            },
            _ => true,
            cancellationToken);

    public Task<ArchivedKey?> FindArchivedKeyAsync(string serial, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT serial, enveloped_key, archived_at FROM archived_keys WHERE serial = $1",
            p => p.Add(Text(serial.ToUpperInvariant())),
            async (r, ct) => await r.ReadAsync(ct) ? new ArchivedKey(r.GetString(0), r.GetFieldValue<byte[]>(1), r.GetFieldValue<DateTimeOffset>(2)) : null,
            cancellationToken);

    public Task<IReadOnlyList<CertificateRecord>> ListCertificatesRequestedByAsync(string requestedBy, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {CertificateColumns} FROM certificates WHERE requested_by = $1 ORDER BY issued_at DESC, serial LIMIT $2",
            p =>
            {
                p.Add(Text(requestedBy));
                p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = limit });
            },
            async (r, ct) =>
            {
                var list = new List<CertificateRecord>();
                while (await r.ReadAsync(ct))
                {
                    list.Add(ReadCertificate(r));
                }

                return (IReadOnlyList<CertificateRecord>)list;
            },
            cancellationToken);

    private static NpgsqlParameter Bytes(byte[] value) => new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = value };
}
