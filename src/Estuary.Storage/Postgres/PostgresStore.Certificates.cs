using Npgsql;
using NpgsqlTypes;

namespace Estuary.Storage.Postgres;

/// <summary>Certificate records of <see cref="PostgresStore"/>.</summary>
public sealed partial class PostgresStore
{
    internal const string CertificateColumns =
        "serial, subject, sans, issuer, not_before, not_after, requested_by, label, operation, replaces, der, issued_at, revoked_at, revocation_reason, account";

    public Task InsertCertificateAsync(CertificateRecord certificate, AuditEvent audit, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            batch =>
            {
                // One statement: the audit row exists exactly when the certificate row was inserted.
                var insert = new NpgsqlBatchCommand(
                    $"""
                    WITH c AS (
                        INSERT INTO certificates ({CertificateColumns})
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, $17)
                        ON CONFLICT (serial) DO NOTHING RETURNING 1)
                    INSERT INTO audit (time, kind, actor, detail) SELECT $13, $14, $15, $16 FROM c
                    """);
                var p = insert.Parameters;
                p.Add(Text(certificate.Serial));
                AddCertificateFields(p, certificate);
                AddAuditParameters(p, audit);
                p.Add(Text(certificate.Account));
                batch.BatchCommands.Add(insert);
            },
            statements => statements[0].RecordsAffected == 1 ? true : throw new DuplicateSerialException($"serial {certificate.Serial} is already recorded"),
            cancellationToken);

    /// <summary>The certificate columns after serial, in <see cref="CertificateColumns"/> order (issuance and approved-request completion share them).</summary>
    private static void AddCertificateFields(NpgsqlParameterCollection p, CertificateRecord certificate)
    {
        p.Add(Text(certificate.Subject));
        p.Add(Text(certificate.SubjectAltNames));
        p.Add(Text(certificate.Issuer));
        p.Add(Time(certificate.NotBefore));
        p.Add(Time(certificate.NotAfter));
        p.Add(Text(certificate.RequestedBy));
        p.Add(Text(certificate.Label));
        p.Add(Text(certificate.Operation));
        p.Add(Text(certificate.Replaces));
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = certificate.Der });
        p.Add(Time(certificate.IssuedAt));
    }

    public Task<CertificateRecord?> FindCertificateAsync(string serial, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {CertificateColumns} FROM certificates WHERE serial = $1",
            p => p.Add(Text(serial.ToUpperInvariant())),
            async (r, ct) => await r.ReadAsync(ct) ? ReadCertificate(r) : null,
            cancellationToken);

    public Task<IReadOnlyList<CertificateRecord>> ListCertificatesAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {CertificateColumns} FROM certificates ORDER BY issued_at DESC, serial LIMIT $1",
            p => p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = limit }),
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

    public Task<long> CountCertificatesAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT COUNT(*) FROM certificates", null, ReadLongAsync, cancellationToken);

    /// <summary>
    /// The query behind the <c>estuary_certificates_expiring</c> gauge, run on every /metrics scrape: served by the
    /// certificates_not_after index (migration 1), not a table scan (PostgresStoreQueryPlanTests reads the plan).
    /// </summary>
    public const string CountExpiringSql = "SELECT COUNT(*) FROM certificates WHERE not_after > $1 AND not_after <= $2 AND revoked_at IS NULL";

    public Task<long> CountCertificatesExpiringAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken) =>
        QueryAsync(
            CountExpiringSql,
            p =>
            {
                p.Add(Time(from));
                p.Add(Time(until));
            },
            ReadLongAsync,
            cancellationToken);

    private static CertificateRecord ReadCertificate(NpgsqlDataReader r) => new()
    {
        Serial = r.GetString(0),
        Subject = r.GetString(1),
        SubjectAltNames = r.GetString(2),
        Issuer = r.GetString(3),
        NotBefore = r.GetFieldValue<DateTimeOffset>(4),
        NotAfter = r.GetFieldValue<DateTimeOffset>(5),
        RequestedBy = r.GetString(6),
        Label = r.GetString(7),
        Operation = r.GetString(8),
        Replaces = r.IsDBNull(9) ? null : r.GetString(9),
        Der = r.GetFieldValue<byte[]>(10),
        IssuedAt = r.GetFieldValue<DateTimeOffset>(11),
        RevokedAt = r.IsDBNull(12) ? null : r.GetFieldValue<DateTimeOffset>(12),
        RevocationReason = r.IsDBNull(13) ? null : r.GetInt32(13),
        Account = r.IsDBNull(14) ? null : r.GetString(14),
    };

    private static async Task<long> ReadLongAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        await r.ReadAsync(ct);
        return r.GetInt64(0);
    }

    /// <summary>A text parameter (typed, so that a null needs no inference).</summary>
    internal static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    /// <summary>A timestamptz parameter; Npgsql takes only UTC offsets for timestamptz.</summary>
    internal static NpgsqlParameter Time(DateTimeOffset value) => new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value.ToUniversalTime() };
}
