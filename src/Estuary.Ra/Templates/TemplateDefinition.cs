namespace Estuary.Ra;

/// <summary>
/// A certificate template as an administrator writes it (console form, REST API, stored as JSON): which
/// CA labels it serves, through which adapter, who may use it, and what a CSR may ask for. Compiled into
/// one <see cref="Profile"/> per label by <see cref="TemplateCompiler"/>.
/// </summary>
public sealed class TemplateDefinition
{
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>The CA labels (RFC 7030 §3.2.2) this template answers; "default" serves the label-less URLs.</summary>
    public IList<string> Labels { get; set; } = [];

    /// <summary>The adapter that issues: "builtin" (this server's CA) or the name of an upstream EST adapter.</summary>
    public string Adapter { get; set; } = TemplateCompiler.BuiltinAdapter;

    /// <summary>
    /// The CA hierarchy that signs (built-in adapter only): a name under Estuary:Ca:Hierarchies (e.g. an ML-DSA one);
    /// null, empty or "default" is the main CA. Kept in the template's stored JSON like every other field.
    /// </summary>
    public string? Hierarchy { get; set; }

    /// <summary>EST accounts (HTTP Basic user names) that may use it.</summary>
    public IList<string> AllowedAccounts { get; set; } = [];

    /// <summary>Account groups whose members may use it.</summary>
    public IList<string> AllowedGroups { get; set; } = [];

    /// <summary>CA labels whose certificates (held as TLS client certificates) may use it.</summary>
    public IList<string> AllowedCertificateLabels { get; set; } = [];

    /// <summary>
    /// Subject patterns ("CN=*.devices.example"), matched RDN by RDN, narrowing which certificates of
    /// <see cref="AllowedCertificateLabels"/> (or, when that is empty, of this template's own labels) may use it.
    /// </summary>
    public IList<string> AllowedCertificateSubjects { get; set; } = [];

    /// <summary>Subject attributes a CSR may carry (CN, O, OU, C, …).</summary>
    public IList<string> SubjectAttributes { get; set; } = ["CN", "O", "OU"];

    /// <summary>When set, the CSR must carry a CN matching this pattern ('*' matches any run of characters).</summary>
    public string? CommonNamePattern { get; set; }

    /// <summary>DNS SAN patterns ("*.devices.example": '*' matches one DNS label); empty forbids DNS names.</summary>
    public IList<string> DnsPatterns { get; set; } = [];

    /// <summary>
    /// Wildcard dNSNames ("*.devices.example", RFC 6125 §6.4.3) may be issued where a DNS pattern starting with
    /// "*." covers them. Off by default: without it a pattern's '*' stands for one ordinary label, never a literal '*'.
    /// </summary>
    public bool AllowWildcardDnsNames { get; set; }

    /// <summary>IP SAN ranges in CIDR form ("10.0.0.0/8", "::/0"); empty forbids IP addresses.</summary>
    public IList<string> IpRanges { get; set; } = [];

    /// <summary>Email SAN patterns ("*@devices.example"); empty forbids email addresses.</summary>
    public IList<string> EmailPatterns { get; set; } = [];

    /// <summary>URI SAN patterns ("urn:dev:*"); empty forbids URIs.</summary>
    public IList<string> UriPatterns { get; set; } = [];

    public int MaxSans { get; set; } = 10;

    /// <summary>
    /// Keys a CSR may carry: P-256, P-384, P-521, RSA, ML-DSA-44/65/87. At most one of ML-KEM-512/768/1024 beside them
    /// makes an ML-KEM template, whose /serverkeygen always generates that key (RFC 9935: it cannot sign a CSR, so the
    /// other types are what the client signs its CSR with); it needs <see cref="ServerKeyGeneration"/>.
    /// </summary>
    public IList<string> AllowedKeys { get; set; } = ["P-256", "P-384", "RSA"];

    public int MinRsaBits { get; set; } = 2048;

    public int ValidityDays { get; set; } = 365;

    public IList<string> KeyUsage { get; set; } = ["DigitalSignature"];

    public IList<string> ExtendedKeyUsage { get; set; } = ["ClientAuth"];

    /// <summary>Enrollments wait for an administrator's approval (RFC 7030 §4.2.3, 202 + Retry-After).</summary>
    public bool RequireApproval { get; set; }

    /// <summary>The CSR must be linked to the TLS session (RFC 7030 §3.5 tls-unique in challengePassword).</summary>
    public bool ProofOfPossession { get; set; }

    /// <summary>/serverkeygen may be used with this template (RFC 7030 §4.4).</summary>
    public bool ServerKeyGeneration { get; set; }

    /// <summary>Answer /csrattrs with what this template wants (RFC 9908); false gives 204.</summary>
    public bool AdvertiseCsrAttributes { get; set; } = true;
}
