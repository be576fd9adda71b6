using Estuary.Protocol;

namespace Estuary.Ra;

/// <summary>The template's name rules: CN pattern and one pattern or range per subjectAltName type.</summary>
public sealed partial class TemplateRules
{
    /// <summary>Decodes the CSR's names once and checks them; prefer the <see cref="RequestedCertificate"/> overload.</summary>
    public EstError? CheckNames(CertificationRequest csr, string label)
    {
        var requested = CsrPolicy.Decode(csr);
        return requested.Value is { } decoded ? CheckNames(decoded, label) : requested.Error;
    }

    /// <summary>
    /// The CN and subjectAltName rules (the profile has already checked attribute and SAN types). Names arrive
    /// syntax-checked; a wildcard dNSName passes only when the template allows wildcards and one of its DNS
    /// patterns covers every name the wildcard stands for.
    /// </summary>
    public EstError? CheckNames(RequestedCertificate requested, string label)
    {
        if (CommonName is not null)
        {
            var cns = requested.CommonNames.ToList();
            if (cns.Count == 0)
            {
                return EstError.BadRequest($"template '{TemplateName}' (label '{label}') needs a CN matching '{CommonName}'");
            }

            if (cns.FirstOrDefault(cn => !MatchesName(CommonName, cn)) is { } bad)
            {
                return EstError.BadRequest($"CN '{bad}' does not match '{CommonName}' required by template '{TemplateName}'");
            }
        }

        foreach (var name in requested.SubjectAltNames)
        {
            if (name.IsWildcardDns && !AllowWildcardDnsNames)
            {
                return EstError.BadRequest($"wildcard {name} is not allowed by template '{TemplateName}' (label '{label}'): AllowWildcardDnsNames is off");
            }

            var allowed = name.Type switch
            {
                GeneralNameType.Dns => Dns.Any(p => MatchesName(p, name.Value)),
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

    /// <summary>A host name against a pattern; "*.rest" only where wildcards are allowed, and then as a wildcard.</summary>
    private bool MatchesName(NamePattern pattern, string name) =>
        AllowWildcardDnsNames && NameSyntax.IsWildcardDnsName(name) ? pattern.MatchesWildcard(name) : pattern.Matches(name);
}
