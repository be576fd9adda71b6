namespace Estuary.Storage.Sqlite;

/// <summary>Revocation records and CRL numbers of <see cref="SqliteStore"/>.</summary>
public sealed partial class SqliteStore
{
    public Task<bool> RevokeAsync(string serial, DateTimeOffset revokedAt, int reason, AuditEvent audit, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE certificates SET revoked_at = $at, revocation_reason = $reason WHERE serial = $serial AND revoked_at IS NULL";
            update.Parameters.AddWithValue("$at", revokedAt.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$reason", reason);
            update.Parameters.AddWithValue("$serial", serial.ToUpperInvariant());
            if (update.ExecuteNonQuery() == 0)
            {
                return false;
            }

            InsertAudit(connection, transaction, audit);
            return true;
        });

    /// <summary>Read from the covering index certificates_revoked_list (migration 12), in its order: no table row is touched.</summary>
    internal const string ListRevokedSql = "SELECT serial, issuer, not_after, revoked_at, revocation_reason FROM certificates WHERE revoked_at IS NOT NULL ORDER BY revoked_at, serial";

    public async Task<IReadOnlyList<RevokedCertificate>> ListRevokedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ListRevokedSql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<RevokedCertificate>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new RevokedCertificate(
                reader.GetString(0),
                reader.GetString(1),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.IsDBNull(4) ? 0 : reader.GetInt32(4)));
        }

        return list;
    }

    public async Task<long> RevocationGenerationAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT generation FROM revocation_generation WHERE id = 1";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public Task<long> NextCrlNumberAsync(string issuerKeyIdentifier, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = "INSERT INTO crl_numbers (issuer, number) VALUES ($issuer, 1) ON CONFLICT(issuer) DO UPDATE SET number = number + 1 RETURNING number";
            upsert.Parameters.AddWithValue("$issuer", issuerKeyIdentifier);
            return (long)upsert.ExecuteScalar()!;
        });
}
