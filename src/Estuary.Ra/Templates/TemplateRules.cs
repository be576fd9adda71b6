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

    /// <summary>Labels whose certificates may use the template (their holders, whatever their account).</summary>
    public IReadOnlySet<string> CertificateLabels { get; init; } = new HashSet<string>();

    /// <summary>Subject patterns narrowing which of those certificates may; see <see cref="Allows"/>.</summary>
    public IReadOnlyList<SubjectPattern> CertificateSubjects { get; init; } = [];

    /// <summary>The labels the template itself serves.</summary>
    public IReadOnlySet<string> OwnLabels { get; init; } = new HashSet<string>();

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

    /// <summary>True when only the listed accounts, groups or certificate holders may use the template.</summary>
    public bool RestrictsClients => Accounts.Count > 0 || Groups.Count > 0 || CertificateLabels.Count > 0 || CertificateSubjects.Count > 0;

    /// <summary>
    /// Who may use the template, decided on provenance, never on text a client chose:
    /// <list type="bullet">
    /// <item>a listed account, or a member of a listed group — by Basic login, or by a certificate that account owns
    /// (it enrolled it, or the certificate it renewed);</item>
    /// <item>the holder of a certificate issued under one of <see cref="CertificateLabels"/> (or, when only subject
    /// patterns are set, under one of the template's own labels), whose subject, when patterns are set, matches one
    /// RDN by RDN. A pattern alone never admits a certificate from another label: clients choose subjects.</item>
    /// </list>
    /// With no list at all any authenticated client may.
    /// </summary>
    public bool Allows(EstPrincipal who, IReadOnlyCollection<string> groups)
    {
        if (!RestrictsClients)
        {
            return true;
        }

        if ((who.Account is { } account && Accounts.Contains(account)) || groups.Any(Groups.Contains))
        {
            return true;
        }

        if (who.Method is not (AuthenticationMethod.ClientCertificate or AuthenticationMethod.CmsSignature) || who.IssuedLabel is not { } issuedLabel || who.Certificate is not { } certificate)
        {
            return false;
        }

        var fromAllowedLabel = CertificateLabels.Count > 0
            ? CertificateLabels.Contains(issuedLabel)
            : CertificateSubjects.Count > 0 && OwnLabels.Contains(issuedLabel);
        return fromAllowedLabel && (CertificateSubjects.Count == 0 || CertificateSubjects.Any(p => p.Matches(certificate.SubjectName)));
    }
}
