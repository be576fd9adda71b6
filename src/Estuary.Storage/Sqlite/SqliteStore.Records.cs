using Microsoft.Data.Sqlite;

namespace Estuary.Storage.Sqlite;

/// <summary>The record-level operations of <see cref="SqliteStore"/>.</summary>
public sealed partial class SqliteStore
{
    internal const string CertificateColumns =
        "serial, subject, sans, issuer, not_before, not_after, requested_by, label, operation, replaces, der, issued_at, revoked_at, revocation_reason, account";

    public Task InsertCertificateAsync(CertificateRecord certificate, AuditEvent audit, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            InsertCertificate(connection, transaction, certificate);

            InsertAudit(connection, transaction, audit);
            return true;
        });

    private const string InsertCertificateSql = $"INSERT INTO certificates ({CertificateColumns}) VALUES ($serial, $subject, $sans, $issuer, $nb, $na, $by, $label, $op, $replaces, $der, $at, NULL, NULL, $account)";

    /// <summary>The certificate row, shared by plain issuance and the completion of an approved request.</summary>
    private static void InsertCertificate(SqliteConnection connection, SqliteTransaction transaction, CertificateRecord certificate)
    {
        var insert = WriterStatement(connection, transaction, InsertCertificateSql);
        insert.Parameters.AddWithValue("$serial", certificate.Serial);
        insert.Parameters.AddWithValue("$subject", certificate.Subject);
        insert.Parameters.AddWithValue("$sans", certificate.SubjectAltNames);
        insert.Parameters.AddWithValue("$issuer", certificate.Issuer);
        insert.Parameters.AddWithValue("$nb", certificate.NotBefore.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$na", certificate.NotAfter.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$by", certificate.RequestedBy);
        insert.Parameters.AddWithValue("$label", certificate.Label);
        insert.Parameters.AddWithValue("$op", certificate.Operation);
        insert.Parameters.AddWithValue("$replaces", (object?)certificate.Replaces ?? DBNull.Value);
        insert.Parameters.AddWithValue("$der", certificate.Der);
        insert.Parameters.AddWithValue("$at", certificate.IssuedAt.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$account", (object?)certificate.Account ?? DBNull.Value);
        insert.ExecuteNonQuery();
    }

    public async Task<CertificateRecord?> FindCertificateAsync(string serial, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {CertificateColumns} FROM certificates WHERE serial = $serial";
        command.Parameters.AddWithValue("$serial", serial.ToUpperInvariant());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadCertificate(reader) : null;
    }

    public async Task<IReadOnlyList<CertificateRecord>> ListCertificatesAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {CertificateColumns} FROM certificates ORDER BY issued_at DESC, serial LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<CertificateRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadCertificate(reader));
        }

        return list;
    }

    public async Task<long> CountCertificatesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM certificates";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static CertificateRecord ReadCertificate(SqliteDataReader r) => new()
    {
        Serial = r.GetString(0),
        Subject = r.GetString(1),
        SubjectAltNames = r.GetString(2),
        Issuer = r.GetString(3),
        NotBefore = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
        NotAfter = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        RequestedBy = r.GetString(6),
        Label = r.GetString(7),
        Operation = r.GetString(8),
        Replaces = r.IsDBNull(9) ? null : r.GetString(9),
        Der = (byte[])r.GetValue(10),
        IssuedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)),
        RevokedAt = r.IsDBNull(12) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)),
        RevocationReason = r.IsDBNull(13) ? null : r.GetInt32(13),
        Account = r.IsDBNull(14) ? null : r.GetString(14),
    };

    public async Task<EstAccount?> FindAccountAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT username, password_hash, enabled, created_at FROM accounts WHERE username = $u";
        command.Parameters.AddWithValue("$u", username);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new EstAccount
        {
            Username = reader.GetString(0),
            PasswordHash = reader.GetString(1),
            Enabled = reader.GetInt64(2) != 0,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        };
    }

    public async Task<bool> InsertAccountAsync(EstAccount account, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync((connection, transaction) =>
            {
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO accounts (username, password_hash, enabled, created_at) VALUES ($u, $h, $e, $c)";
                insert.Parameters.AddWithValue("$u", account.Username);
                insert.Parameters.AddWithValue("$h", account.PasswordHash);
                insert.Parameters.AddWithValue("$e", account.Enabled ? 1 : 0);
                insert.Parameters.AddWithValue("$c", account.CreatedAt.ToUnixTimeMilliseconds());
                insert.ExecuteNonQuery();
                return true;
            });
        }
        catch (DuplicateSerialException)
        {
            return false; // the unique key that failed is the username
        }
    }

    public Task AppendAuditAsync(AuditEvent audit, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            InsertAudit(connection, transaction, audit);
            return true;
        });

    public async Task<IReadOnlyList<AuditEvent>> ListAuditAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT time, kind, actor, detail FROM audit ORDER BY id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<AuditEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new AuditEvent(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return list;
    }

    private static void InsertAudit(SqliteConnection connection, SqliteTransaction transaction, AuditEvent audit)
    {
        var insert = WriterStatement(connection, transaction, "INSERT INTO audit (time, kind, actor, detail) VALUES ($t, $k, $a, $d)");
        insert.Parameters.AddWithValue("$t", audit.Time.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$k", audit.Kind);
        insert.Parameters.AddWithValue("$a", audit.Actor);
        insert.Parameters.AddWithValue("$d", audit.Detail);
        insert.ExecuteNonQuery();
    }
}
