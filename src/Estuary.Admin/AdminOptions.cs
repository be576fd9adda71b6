namespace Estuary.Admin;

/// <summary>Console and API configuration (section "Estuary:Admin").</summary>
public sealed class AdminOptions
{
    /// <summary>
    /// Where the console, the REST API, its OpenAPI document and /metrics listen: https://HOST:PORT, a port of
    /// their own, loopback by default so that only this host reaches them. The EST listener does not serve them.
    /// </summary>
    public string Listen { get; set; } = "https://127.0.0.1:8444";

    /// <summary>
    /// SHA-256 fingerprints (hex of the DER certificate; colons, spaces and case do not matter) of TLS client
    /// certificates that may use the REST API, as the role administrator, instead of an API key. A fingerprint names one
    /// certificate and its key, which an EST client cannot reproduce, unlike a subject it may request.
    /// </summary>
    public IList<string> ClientCertificateFingerprints { get; } = [];

    /// <summary>How long a console login lasts without activity.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How many login attempts (POST /admin/login) one client address may make per <see cref="LoginAttemptWindow"/>,
    /// on top of the per-administrator lockout; further attempts get 429 with Retry-After. Zero turns it off.
    /// </summary>
    public int LoginAttemptsPerAddress { get; set; } = 10;

    /// <summary>The window of <see cref="LoginAttemptsPerAddress"/>; attempts come back evenly over it.</summary>
    public TimeSpan LoginAttemptWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often each node checks the stored templates for changes made through another node (several nodes
    /// on one PostgreSQL database): the longest delay before such a change applies here. Zero turns it off.
    /// </summary>
    public TimeSpan TemplateRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}
