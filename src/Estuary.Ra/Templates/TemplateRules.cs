namespace Estuary.Ra;

/// <summary>
/// The parts of a managed template that the configuration profile has no notion of: who may use it and
/// which names a CSR may carry. Compiled once per change; checked by the RA on every request.
/// </summary>
public sealed partial class TemplateRules
{
    public required string TemplateName { get; init; }

    public required string Adapter { get; init; }

    public IReadOnlySet<string> Accounts { get; init; } = new HashSet<string>();

    public IReadOnlySet<string> Groups { get; init; } = new HashSet<string>();

    public IReadOnlyList<NamePattern> CertificateSubjects { get; init; } = [];

    public NamePattern? CommonName { get; init; }

    public IReadOnlyList<NamePattern> Dns { get; init; } = [];

    public IReadOnlyList<IpRange> Ips { get; init; } = [];

    public IReadOnlyList<NamePattern> Emails { get; init; } = [];

    public IReadOnlyList<NamePattern> Uris { get; init; } = [];

    /// <summary>Wildcard dNSNames ("*.x.example", RFC 6125 §6.4.3) may be issued where a DNS pattern covers them; off by default.</summary>
    public bool AllowWildcardDnsNames { get; init; }

    public bool RequireApproval { get; init; }

    public bool ProofOfPossession { get; init; }

    public bool ServerKeyGeneration { get; init; }

    /// <summary>True when only the listed accounts, groups or certificate subjects may use the template.</summary>
    public bool RestrictsClients => Accounts.Count > 0 || Groups.Count > 0 || CertificateSubjects.Count > 0;

    /// <summary>
    /// Who may use the template: a listed account, a member of a listed group, or a client certificate whose
    /// subject matches a pattern. With no list at all any authenticated client may.
    /// </summary>
    public bool Allows(EstPrincipal who, IReadOnlyCollection<string> groups)
    {
        if (!RestrictsClients)
        {
            return true;
        }

        return who.Method switch
        {
            AuthenticationMethod.Basic => Accounts.Contains(who.Name) || groups.Any(Groups.Contains),
            AuthenticationMethod.ClientCertificate => CertificateSubjects.Any(p => p.Matches(who.Name)),
            _ => false,
        };
    }
}
