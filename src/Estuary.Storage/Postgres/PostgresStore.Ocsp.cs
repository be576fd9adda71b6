namespace Estuary.Storage.Postgres;

/// <summary>The status lookup behind OCSP answers of <see cref="PostgresStore"/>.</summary>
public sealed partial class PostgresStore
{
    public Task<CertificateRevocationStatus?> FindRevocationStatusAsync(string serial, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT issuer, revoked_at, revocation_reason FROM certificates WHERE serial = $1",
            p => p.Add(Text(serial.ToUpperInvariant())),
            async (r, ct) => await r.ReadAsync(ct)
                ? new CertificateRevocationStatus(
                    r.GetString(0),
                    r.IsDBNull(1) ? null : r.GetFieldValue<DateTimeOffset>(1),
                    r.IsDBNull(2) ? null : r.GetInt32(2))
                : null,
            cancellationToken);
}
