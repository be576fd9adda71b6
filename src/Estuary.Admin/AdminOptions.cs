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
    /// Subjects (RFC 4514 as .NET prints them, e.g. "CN=ops-admin") of TLS client certificates issued by this
    /// CA that may use the REST API with write scope, instead of an API key.
    /// </summary>
    public IList<string> ClientCertificateSubjects { get; } = [];

    /// <summary>How long a console login lasts without activity.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How often each node checks the stored templates for changes made through another node (several nodes
    /// on one PostgreSQL database): the longest delay before such a change applies here. Zero turns it off.
    /// </summary>
    public TimeSpan TemplateRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}
