namespace Estuary.Storage;

/// <summary>
/// What the admin console and REST API keep besides certificates: templates, adapters, account groups,
/// administrators and API keys, plus the searches they show. Every change is written with its audit event
/// in one transaction. A separate interface from <see cref="IEstuaryStore"/> so that another store
/// implementation compiles until it supports the console.
/// </summary>
public interface IManagementStore
{
    Task<IReadOnlyList<StoredDefinition>> ListTemplatesAsync(CancellationToken cancellationToken);

    /// <summary>Creates or replaces a template.</summary>
    Task UpsertTemplateAsync(StoredDefinition template, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>False when no such template exists.</summary>
    Task<bool> DeleteTemplateAsync(string name, AuditEvent audit, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredDefinition>> ListAdaptersAsync(CancellationToken cancellationToken);

    Task UpsertAdapterAsync(StoredDefinition adapter, AuditEvent audit, CancellationToken cancellationToken);

    Task<bool> DeleteAdapterAsync(string name, AuditEvent audit, CancellationToken cancellationToken);

    Task<IReadOnlyList<EstAccount>> ListAccountsAsync(CancellationToken cancellationToken);

    /// <summary>Adds an account with its groups and an audit event; false when the name is taken.</summary>
    Task<bool> CreateAccountAsync(EstAccount account, IReadOnlyCollection<string> groups, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>False when no such account exists.</summary>
    Task<bool> SetAccountEnabledAsync(string username, bool enabled, AuditEvent audit, CancellationToken cancellationToken);

    Task<bool> SetAccountPasswordAsync(string username, string passwordHash, AuditEvent audit, CancellationToken cancellationToken);

    Task<bool> SetAccountGroupsAsync(string username, IReadOnlyCollection<string> groups, AuditEvent audit, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> GetAccountGroupsAsync(string username, CancellationToken cancellationToken);

    /// <summary>Groups of every account, by user name.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAllAccountGroupsAsync(CancellationToken cancellationToken);

    Task<AdminUser?> FindAdminAsync(string username, CancellationToken cancellationToken);

    Task<long> CountAdminsAsync(CancellationToken cancellationToken);

    Task<bool> InsertAdminAsync(AdminUser admin, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a failed login: the increment and the lock decision are ONE statement, so concurrent failures
    /// each count and the one that reaches <paramref name="maxFailures"/> locks until <paramref name="lockUntil"/>
    /// (and restarts the count). Records <paramref name="failed"/>, or <paramref name="locked"/> when this failure
    /// set the lock. Null when no such administrator.
    /// </summary>
    Task<AdminLoginState?> RecordAdminLoginFailureAsync(string username, int maxFailures, DateTimeOffset lockUntil, AuditEvent failed, AuditEvent locked, CancellationToken cancellationToken);

    /// <summary>
    /// Records a successful login (clears the failure count) unless the administrator is locked at
    /// <paramref name="now"/>: false then, so a right password racing wrong ones cannot lift a fresh lock.
    /// </summary>
    Task<bool> RecordAdminLoginSuccessAsync(string username, DateTimeOffset now, AuditEvent audit, CancellationToken cancellationToken);

    Task<IReadOnlyList<AdminUser>> ListAdminsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Enables or disables an administrator. Disabling is refused (false) when it would leave no enabled
    /// administrator with the role administrator; the check and the change are one statement, so two concurrent
    /// disables cannot both pass. The administrator gets <paramref name="securityStamp"/> with the change, which
    /// ends its open sessions.
    /// </summary>
    Task<bool> SetAdminEnabledAsync(string username, bool enabled, string securityStamp, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>
    /// Gives an administrator another role. Refused (false) when no such administrator exists or when it would
    /// leave no enabled administrator with the role administrator (checked in the same statement).
    /// </summary>
    Task<bool> SetAdminRoleAsync(string username, AdminRole role, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>
    /// Sets a new password hash and security stamp (ending every open session) and clears the failure count
    /// and lock; false when no such administrator.
    /// </summary>
    Task<bool> SetAdminPasswordAsync(string username, string passwordHash, string securityStamp, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>Replaces the security stamp (logout everywhere); false when no such administrator.</summary>
    Task<bool> SetAdminSecurityStampAsync(string username, string securityStamp, AuditEvent audit, CancellationToken cancellationToken);

    Task InsertApiKeyAsync(ApiKeyRecord key, AuditEvent audit, CancellationToken cancellationToken);

    Task<ApiKeyRecord?> FindApiKeyAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken);

    Task<bool> DeleteApiKeyAsync(string id, AuditEvent audit, CancellationToken cancellationToken);

    /// <summary>
    /// Records that a key was used at <paramref name="usedAt"/>, unless its last use recorded is at or after
    /// <paramref name="staleBefore"/>: a key used many times a minute costs one write a minute. Not audited.
    /// </summary>
    Task RecordApiKeyUseAsync(string id, DateTimeOffset usedAt, DateTimeOffset staleBefore, CancellationToken cancellationToken);

    Task<IReadOnlyList<CertificateRecord>> SearchCertificatesAsync(CertificateQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Certificates issued since <paramref name="since"/> per UTC day and CA label ("" is the default label; pairs without
    /// any are absent): the dashboard's two charts from one read of the (issued_at, label) index.
    /// </summary>
    Task<IReadOnlyList<IssuedCount>> CountIssuedAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>How many certificates were issued on any of these labels.</summary>
    Task<long> CountCertificatesForLabelsAsync(IReadOnlyCollection<string> labels, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditEvent>> SearchAuditAsync(AuditQuery query, CancellationToken cancellationToken);
}
