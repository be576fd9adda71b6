using Microsoft.Data.Sqlite;

namespace Estuary.Storage.Sqlite;

/// <summary>Account decrypt keys and archived server-generated keys (RFC 7030 §4.4) of <see cref="SqliteStore"/>.</summary>
public sealed partial class SqliteStore
{
    public Task<bool> SetAccountDecryptKeyAsync(AccountDecryptKey key, AuditEvent audit, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText =
                """
                INSERT INTO account_decrypt_keys (username, key_id, protected_key, created_at)
                SELECT $user, $id, $key, $at FROM accounts WHERE username = $user
                ON CONFLICT (username, key_id) DO UPDATE SET protected_key = excluded.protected_key, created_at = excluded.created_at
                """;
            upsert.Parameters.AddWithValue("$user", key.Username);
            upsert.Parameters.AddWithValue("$id", key.KeyIdentifier);
            upsert.Parameters.AddWithValue("$key", key.ProtectedKey);
            upsert.Parameters.AddWithValue("$at", key.CreatedAt.ToUnixTimeMilliseconds());
            if (upsert.ExecuteNonQuery() == 0)
            {
                return false;
            }

            InsertAudit(connection, transaction, audit);
            return true;
        });

    public async Task<AccountDecryptKey?> FindAccountDecryptKeyAsync(string username, byte[] keyIdentifier, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT protected_key, created_at FROM account_decrypt_keys WHERE username = $user AND key_id = $id";
        command.Parameters.AddWithValue("$user", username);
        command.Parameters.AddWithValue("$id", keyIdentifier);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AccountDecryptKey
            {
                Username = username,
                KeyIdentifier = keyIdentifier,
                ProtectedKey = (byte[])reader.GetValue(0),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
            }
            : null;
    }

    public Task InsertArchivedKeyAsync(ArchivedKey key, AuditEvent audit, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO archived_keys (serial, enveloped_key, archived_at) VALUES ($serial, $key, $at)";
            insert.Parameters.AddWithValue("$serial", key.Serial.ToUpperInvariant());
            insert.Parameters.AddWithValue("$key", key.EnvelopedKey);
            insert.Parameters.AddWithValue("$at", key.ArchivedAt.ToUnixTimeMilliseconds());
            insert.ExecuteNonQuery();
            InsertAudit(connection, transaction, audit);
            return true;
        });

    public async Task<ArchivedKey?> FindArchivedKeyAsync(string serial, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT serial, enveloped_key, archived_at FROM archived_keys WHERE serial = $serial";
        command.Parameters.AddWithValue("$serial", serial.ToUpperInvariant());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ArchivedKey(reader.GetString(0), (byte[])reader.GetValue(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)))
            : null;
    }

    public async Task<IReadOnlyList<CertificateRecord>> ListCertificatesRequestedByAsync(string requestedBy, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {CertificateColumns} FROM certificates WHERE requested_by = $by ORDER BY issued_at DESC, serial LIMIT $limit";
        command.Parameters.AddWithValue("$by", requestedBy);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<CertificateRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadCertificate(reader));
        }

        return list;
    }
}
