namespace Estuary.Ra;

/// <summary>RA configuration (section "Estuary").</summary>
public sealed class RaOptions
{
    /// <summary>Name of the profile used when a request carries no CA label.</summary>
    public const string DefaultLabel = "default";

    /// <summary>Profiles by CA label. "default" serves /.well-known/est/OPERATION.</summary>
    public IDictionary<string, ProfileOptions> Labels { get; } = new Dictionary<string, ProfileOptions>(StringComparer.Ordinal);

    /// <summary>How long a successful password check is remembered in memory (the slow hash is not redone per request).</summary>
    public TimeSpan CredentialCacheLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Allowed clock skew: notBefore is set this far in the past.</summary>
    public TimeSpan BackdateBy { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Retry-After, in seconds, of a 202 for an enrollment waiting for approval (RFC 7030 §4.2.3).</summary>
    public int ApprovalRetryAfterSeconds { get; set; } = 60;

    /// <summary>How long an undecided request waits; after that its repeat starts a new pending request.</summary>
    public TimeSpan PendingRequestLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Upstream EST adapters declared in configuration (Estuary:Adapters:NAME), read-only in the console.</summary>
    public IDictionary<string, AdapterDefinition> Adapters { get; } = new Dictionary<string, AdapterDefinition>(StringComparer.Ordinal);

    /// <summary>
    /// Who may revoke ANY certificate of this CA through the CMC revokeRequest control (RFC 5272 §6.11), as
    /// "basic:NAME" or "cert:SERIAL" ("Estuary:CmcRevokers:0"). Everyone else may revoke only the certificates
    /// of their own account (see RegistrationAuthority.CmcRevocation).
    /// </summary>
    public IList<string> CmcRevokers { get; } = [];
}
