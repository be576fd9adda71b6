using System.Formats.Asn1;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;

namespace Estuary.Ra;

/// <summary>
/// The parts of a managed template that the configuration profile has no notion of: who may use it and
/// which names a CSR may carry. Compiled once per change; checked by the RA on every request.
/// </summary>
public sealed class TemplateRules
{
    private const string CommonNameOid = "2.5.4.3";

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

        if (who.Method != AuthenticationMethod.ClientCertificate || who.IssuedLabel is not { } issuedLabel || who.Certificate is not { } certificate)
        {
            return false;
        }

        var fromAllowedLabel = CertificateLabels.Count > 0
            ? CertificateLabels.Contains(issuedLabel)
            : CertificateSubjects.Count > 0 && OwnLabels.Contains(issuedLabel);
        return fromAllowedLabel && (CertificateSubjects.Count == 0 || CertificateSubjects.Any(p => p.Matches(certificate.SubjectName)));
    }

    /// <summary>The CN and subjectAltName rules (the profile has already checked attribute and SAN types).</summary>
    public EstError? CheckNames(CertificationRequest csr, string label)
    {
        if (CommonName is not null)
        {
            var cns = ReadCommonNames(csr.Subject);
            if (cns.Count == 0)
            {
                return EstError.BadRequest($"template '{TemplateName}' (label '{label}') needs a CN matching '{CommonName}'");
            }

            if (cns.FirstOrDefault(cn => !CommonName.Matches(cn)) is { } bad)
            {
                return EstError.BadRequest($"CN '{bad}' does not match '{CommonName}' required by template '{TemplateName}'");
            }
        }

        if (csr.FindExtension(Oids.SubjectAltName) is not { } san)
        {
            return null;
        }

        IReadOnlyList<GeneralName> names;
        try
        {
            names = GeneralNames.Read(san.Value);
        }
        catch (EstProtocolException e)
        {
            return EstError.BadRequest(e.Message);
        }

        foreach (var name in names)
        {
            var allowed = name.Type switch
            {
                GeneralNameType.Dns => Dns.Any(p => p.Matches(name.Value)),
                GeneralNameType.IpAddress => Ips.Any(r => r.Contains(name.Value)),
                GeneralNameType.Email => Emails.Any(p => p.Matches(name.Value)),
                GeneralNameType.Uri => Uris.Any(p => p.Matches(name.Value)),
                _ => false,
            };
            if (!allowed)
            {
                return EstError.BadRequest($"subject alternative name {name} is not allowed by template '{TemplateName}' (label '{label}')");
            }
        }

        return null;
    }

    private static List<string> ReadCommonNames(ReadOnlyMemory<byte> subject)
    {
        var found = new List<string>();
        try
        {
            var rdns = new AsnReader(subject, AsnEncodingRules.DER).ReadSequence();
            while (rdns.HasData)
            {
                var rdn = rdns.ReadSetOf();
                while (rdn.HasData)
                {
                    var atv = rdn.ReadSequence();
                    var type = atv.ReadObjectIdentifier();
                    var value = atv.ReadEncodedValue();
                    if (type == CommonNameOid)
                    {
                        found.Add(CertificationRequest.ReadDirectoryString(value));
                    }
                }
            }
        }
        catch (Exception e) when (e is AsnContentException or EstProtocolException or System.Text.DecoderFallbackException)
        {
            // CsrPolicy has already refused an unreadable subject; nothing more to find here.
        }

        return found;
    }
}
