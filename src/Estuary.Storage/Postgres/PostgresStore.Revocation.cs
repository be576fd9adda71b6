using Npgsql;
using NpgsqlTypes;

namespace Estuary.Storage.Postgres;

/// <summary>Revocation records and CRL numbers of <see cref="PostgresStore"/>.</summary>
public sealed partial class PostgresStore
{
    public Task<bool> RevokeAsync(string serial, DateTimeOffset revokedAt, int reason, AuditEvent audit, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            batch =>
            {
                // One statement: the audit row exists exactly when this call revoked the certificate. Under
                // READ COMMITTED a concurrent revocation is re-checked after its lock, so only one wins.
                var revoke = new NpgsqlBatchCommand(
                    """
                    WITH r AS (
                        UPDATE certificates SET revoked_at = $1, revocation_reason = $2
                        WHERE serial = $3 AND revoked_at IS NULL RETURNING 1)
                    INSERT INTO audit (time, kind, actor, detail) SELECT $4, $5, $6, $7 FROM r
                    """);
                var p = revoke.Parameters;
                p.Add(Time(revokedAt));
                p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = reason });
                p.Add(Text(serial.ToUpperInvariant()));
                AddAuditParameters(p, audit);
                batch.BatchCommands.Add(revoke);
            },
            statements => statements[0].RecordsAffected == 1,
            cancellationToken);

    public Task<IReadOnlyList<RevokedCertificate>> ListRevokedAsync(CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT serial, issuer, not_after, revoked_at, revocation_reason FROM certificates WHERE revoked_at IS NOT NULL ORDER BY revoked_at, serial",
            null,
            async (r, ct) =>
            {
                var list = new List<RevokedCertificate>();
                while (await r.ReadAsync(ct))
                {
                    list.Add(new RevokedCertificate(
                        r.GetString(0),
                        r.GetString(1),
                        r.GetFieldValue<DateTimeOffset>(2),
                        r.GetFieldValue<DateTimeOffset>(3),
                        r.IsDBNull(4) ? 0 : r.GetInt32(4)));
                }

                return (IReadOnlyList<RevokedCertificate>)list;
            },
            cancellationToken);

    public Task<long> RevocationGenerationAsync(CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT generation FROM revocation_generation WHERE id = 1",
            null,
            async (r, ct) => await r.ReadAsync(ct) ? r.GetInt64(0) : 0L,
            cancellationToken);

    /// <summary>
    /// Not through the group-commit writer: the number is the upsert's RETURNING value, which the writer does
    /// not read, and a CRL is signed rarely. The statement commits on its own (autocommit, synchronous_commit
    /// on), and ExecuteScalar returns only after the server has reported that commit.
    /// </summary>
    public async Task<long> NextCrlNumberAsync(string issuerKeyIdentifier, CancellationToken cancellationToken)
    {
        try
        {
            await using var upsert = _dataSource.CreateCommand(
                "INSERT INTO crl_numbers (issuer, number) VALUES ($1, 1) ON CONFLICT (issuer) DO UPDATE SET number = crl_numbers.number + 1 RETURNING number");
            upsert.Parameters.Add(Text(issuerKeyIdentifier));
            return (long)(await upsert.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            _dataSource.Clear(); // as in QueryAsync: idle pooled connections are likely stale too
            throw Unavailable(e);
        }
    }
}
