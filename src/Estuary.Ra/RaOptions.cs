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
}
