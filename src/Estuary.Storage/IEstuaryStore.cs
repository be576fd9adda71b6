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

    /// <summary>
    /// The issuer and revocation of the certificate with <paramref name="serial"/> (any case), or null when none was
    /// recorded: one primary-key probe that leaves the DER and the other columns unread (the OCSP miss path).
    /// </summary>
    Task<CertificateRevocationStatus?> FindRevocationStatusAsync(string serial, CancellationToken cancellationToken);

    /// <summary>The newest certificates first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<CertificateRecord>> ListCertificatesAsync(int limit, CancellationToken cancellationToken);

    Task<long> CountCertificatesAsync(CancellationToken cancellationToken);

    Task<EstAccount?> FindAccountAsync(string username, CancellationToken cancellationToken);

    /// <summary>Adds an account; false when the name is taken.</summary>
    Task<bool> InsertAccountAsync(EstAccount account, CancellationToken cancellationToken);

    Task AppendAuditAsync(AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>The newest audit events first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AuditEvent>> ListAuditAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a certificate revoked (RFC 5280 §5.3.1 reason code) together with an audit event, in one transaction.
    /// False when the serial is unknown or the certificate is already revoked (nothing is written then).
    /// </summary>
    Task<bool> RevokeAsync(string serial, DateTimeOffset revokedAt, int reason, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Every revoked certificate, oldest revocation first (what a CRL lists).</summary>
    Task<IReadOnlyList<RevokedCertificate>> ListRevokedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A number every change to the set of revoked certificates moves (by database triggers, whoever writes), so that a
    /// node finds out whether anything was revoked elsewhere by reading one row (CrlPublisher's recheck).
    /// </summary>
    Task<long> RevocationGenerationAsync(CancellationToken cancellationToken);

    /// <summary>The next CRL number for an issuing CA (RFC 5280 §5.2.3: monotonically increasing), durably taken.</summary>
    Task<long> NextCrlNumberAsync(string issuerKeyIdentifier, CancellationToken cancellationToken);

    /// <summary>Holds a request for approval (RFC 7030 §4.2.3); returns its id.</summary>
    Task<long> InsertPendingRequestAsync(PendingRequest request, AuditEvent audit, CancellationToken cancellationToken);

    Task<PendingRequest?> FindPendingRequestAsync(long id, CancellationToken cancellationToken);

    /// <summary>The newest held request with this key, whatever its status.</summary>
    Task<PendingRequest?> FindLatestPendingRequestAsync(string requestKey, CancellationToken cancellationToken);

    /// <summary>Held requests, newest first; <paramref name="status"/> null means every status.</summary>
    Task<IReadOnlyList<PendingRequest>> ListPendingRequestsAsync(string? status, int limit, CancellationToken cancellationToken);

    /// <summary>Moves a request from <paramref name="expectedStatus"/> to <paramref name="newStatus"/>; false when it was not in the expected status.</summary>
    Task<bool> DecidePendingRequestAsync(long id, string expectedStatus, string newStatus, string? reason, string actor, DateTimeOffset at, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>
    /// Records the certificate issued for an approved request and marks it issued, in one transaction; false
    /// (and nothing recorded) when the request is no longer approved — someone else issued it first.
    /// </summary>
    /// <exception cref="DuplicateSerialException">The serial is already recorded.</exception>
    Task<bool> CompletePendingRequestAsync(long id, CertificateRecord certificate, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>True when the database answers a trivial query now (readiness probe); never throws for an unreachable database.</summary>
    Task<bool> IsAvailableAsync(CancellationToken cancellationToken);

    /// <summary>How many unrevoked certificates expire after <paramref name="from"/> and at or before <paramref name="until"/>.</summary>
    Task<long> CountCertificatesExpiringAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Sets (adds or replaces) a symmetric decrypt key of an account (RFC 7030 §4.4.1.1) with an audit event; false when the account is unknown.</summary>
    Task<bool> SetAccountDecryptKeyAsync(AccountDecryptKey key, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>The account's decrypt key with this identifier (the DecryptKeyIdentifier value), or null.</summary>
    Task<AccountDecryptKey?> FindAccountDecryptKeyAsync(string username, byte[] keyIdentifier, CancellationToken cancellationToken);

    /// <summary>Stores an archived (encrypted) server-generated key beside its certificate record, with an audit event.</summary>
    Task InsertArchivedKeyAsync(ArchivedKey key, AuditEvent audit, CancellationToken cancellationToken);

    Task<ArchivedKey?> FindArchivedKeyAsync(string serial, CancellationToken cancellationToken);

    /// <summary>The newest certificates requested by this principal id (e.g. "basic:NAME"), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<CertificateRecord>> ListCertificatesRequestedByAsync(string requestedBy, int limit, CancellationToken cancellationToken);
}
