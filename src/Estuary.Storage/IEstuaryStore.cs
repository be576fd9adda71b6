namespace Estuary.Storage;

/// <summary>
/// Durable records of Estuary. The RA and the console see only this interface: SQLite for one node,
/// PostgreSQL for several. Every write is durable (committed and synced) when its task completes.
/// </summary>
public interface IEstuaryStore : IAsyncDisposable
{
    /// <summary>Records an issued certificate together with an audit event, in one transaction.</summary>
    /// <exception cref="DuplicateSerialException">The serial is already recorded.</exception>
    Task InsertCertificateAsync(CertificateRecord certificate, AuditEvent audit, CancellationToken cancellationToken);

    Task<CertificateRecord?> FindCertificateAsync(string serial, CancellationToken cancellationToken);

    /// <summary>The newest certificates first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<CertificateRecord>> ListCertificatesAsync(int limit, CancellationToken cancellationToken);

    Task<long> CountCertificatesAsync(CancellationToken cancellationToken);

    Task<EstAccount?> FindAccountAsync(string username, CancellationToken cancellationToken);

    /// <summary>Adds an account; false when the name is taken.</summary>
    Task<bool> InsertAccountAsync(EstAccount account, CancellationToken cancellationToken);

    Task AppendAuditAsync(AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>The newest audit events first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AuditEvent>> ListAuditAsync(int limit, CancellationToken cancellationToken);

    /// <summary>True when the database answers a trivial query now (readiness probe); never throws for an unreachable database.</summary>
    Task<bool> IsAvailableAsync(CancellationToken cancellationToken);

    /// <summary>How many unrevoked certificates expire after <paramref name="from"/> and at or before <paramref name="until"/>.</summary>
    Task<long> CountCertificatesExpiringAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken);
}
