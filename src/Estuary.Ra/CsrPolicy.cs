using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;

namespace Estuary.Ra;

/// <summary>
/// Checks a CSR against a label's profile and turns it into issuance instructions: key type and size,
/// subject attributes, SAN types and count, wildcards. Only what the profile allows reaches the certificate.
/// Reads the <see cref="RequestedCertificate"/> (names decoded and syntax-checked once), never the CSR's bytes.
/// </summary>
public static class CsrPolicy
{
    /// <summary>Subject attribute values longer than this are refused (X.520 upper bounds are 64 to 256).</summary>
    public const int MaxAttributeLength = 256;

    /// <summary>Decodes the CSR's names (<see cref="RequestedCertificate.Decode"/>) and applies the profile.</summary>
    public static EstResult<IssuanceInstructions> Apply(Profile profile, CertificationRequest csr, DateTimeOffset now, TimeSpan backdate)
    {
        var requested = Decode(csr);
        return requested.Value is { } decoded ? Apply(profile, decoded, now, backdate) : requested.Error!;
    }

    public static EstResult<IssuanceInstructions> Apply(Profile profile, RequestedCertificate requested, DateTimeOffset now, TimeSpan backdate) =>
        CheckKey(profile, requested.PublicKey) is { } keyError ? keyError : ApplyNames(profile, requested, requested.SubjectPublicKeyInfo, now, backdate);

    /// <summary>
    /// /serverkeygen (RFC 7030 §4.4.1): the CSR's subject and extensions are the request, its public key is
    /// ignored; the certificate carries <paramref name="generatedKey"/> (a SubjectPublicKeyInfo the server made).
    /// </summary>
    public static EstResult<IssuanceInstructions> ApplyWithServerGeneratedKey(Profile profile, CertificationRequest csr, ReadOnlyMemory<byte> generatedKey, DateTimeOffset now, TimeSpan backdate)
    {
        var requested = Decode(csr);
        return requested.Value is { } decoded ? ApplyWithServerGeneratedKey(profile, decoded, generatedKey, now, backdate) : requested.Error!;
    }

    public static EstResult<IssuanceInstructions> ApplyWithServerGeneratedKey(Profile profile, RequestedCertificate requested, ReadOnlyMemory<byte> generatedKey, DateTimeOffset now, TimeSpan backdate) =>
        ApplyNames(profile, requested, generatedKey, now, backdate);

    /// <summary>The largest RSA key /serverkeygen generates because a CSR asked for it: the client chooses, the server pays.</summary>
    public const int MaxRequestedServerRsaBits = 4096;

    /// <summary>
    /// /serverkeygen: which key type to generate. The CSR's public key never becomes the certificate's key
    /// (RFC 7030 §4.4.1), but its type is the client's wish: the same curve, or RSA of the same size, is generated
    /// when the label accepts that key for enrollment (the checks of simpleenroll: curve listed, RSA at least
    /// MinRsaBits) and the size is one the server generates (2048 to <see cref="MaxRequestedServerRsaBits"/> bits).
    /// Otherwise the label's ServerKeyAlgorithm: a wish the label does not grant is not a reason to refuse.
    /// </summary>
    public static (KeyAlgorithm Algorithm, bool FromCsr) ChooseServerKey(Profile profile, PublicKeyKind requested)
    {
        if (CheckKey(profile, requested) is null)
        {
            if (requested.IsEc)
            {
                return (KeyAlgorithm.Parse(requested.Name), true);
            }

            if (requested.KeySizeBits is >= 2048 and <= MaxRequestedServerRsaBits && requested.KeySizeBits % 8 == 0)
            {
                return (KeyAlgorithm.Parse(requested.Name), true);
            }
        }

        return (profile.ServerKeyAlgorithm, false);
    }

    /// <summary><see cref="RequestedCertificate.Decode"/> with its refusal as a 400.</summary>
    public static EstResult<RequestedCertificate> Decode(CertificationRequest csr)
    {
        try
        {
            return EstResult<RequestedCertificate>.Ok(RequestedCertificate.Decode(csr));
        }
        catch (EstProtocolException e)
        {
            return EstError.BadRequest(e.Message);
        }
    }

    private static EstResult<IssuanceInstructions> ApplyNames(Profile profile, RequestedCertificate requested, ReadOnlyMemory<byte> subjectPublicKeyInfo, DateTimeOffset now, TimeSpan backdate)
    {
        if (CheckSubject(profile, requested) is { } subjectError)
        {
            return subjectError;
        }

        if (CheckSubjectAltNames(profile, requested) is { } sanError)
        {
            return sanError;
        }

        if (profile.Template?.CheckNames(requested, profile.Label) is { } templateError)
        {
            return templateError;
        }

        var extensions = new List<CertificateExtension>(profile.FixedExtensions.Count + 1);
        if (requested.SubjectAltName is { } san)
        {
            // RFC 5280 §4.2.1.6: with an empty subject the SAN extension is critical.
            extensions.Add(new CertificateExtension(Oids.SubjectAltName, requested.SubjectIsEmpty, san.Value));
        }
        else if (requested.SubjectIsEmpty)
        {
            return EstError.BadRequest("the CSR has neither a subject nor a subjectAltName");
        }

        extensions.AddRange(profile.FixedExtensions);
        return EstResult<IssuanceInstructions>.Ok(new IssuanceInstructions
        {
            Subject = requested.Subject,
            SubjectPublicKeyInfo = subjectPublicKeyInfo,
            NotBefore = now - backdate,
            NotAfter = now + profile.Validity,
            Extensions = extensions,
        });
    }

    private static EstError? CheckKey(Profile profile, PublicKeyKind key)
    {
        if (key.IsEc && key.CurveOid is not null && profile.AllowedCurves.Contains(key.CurveOid))
        {
            return null;
        }

        if (key.IsMlDsa && profile.AllowedMlDsa.Contains(key.AlgorithmOid))
        {
            return null;
        }

        if (key.IsRsa && profile.AllowsRsa)
        {
            return key.KeySizeBits >= profile.MinRsaBits
                ? null
                : EstError.BadRequest($"RSA key of {key.KeySizeBits} bits is too small: label '{profile.Label}' needs at least {profile.MinRsaBits}");
        }

        return EstError.BadRequest($"key type {key.Name} is not allowed by label '{profile.Label}' (allowed: {profile.AllowedKeysText})");
    }

    private static EstError? CheckSubject(Profile profile, RequestedCertificate requested)
    {
        foreach (var attribute in requested.SubjectAttributes)
        {
            if (!profile.SubjectAttributeOids.Contains(attribute.Oid))
            {
                return EstError.BadRequest($"subject attribute {attribute.Name} is not allowed by label '{profile.Label}'");
            }

            if (attribute.Value.Length is 0 or > MaxAttributeLength)
            {
                return EstError.BadRequest($"subject attribute {attribute.Name} must be 1 to {MaxAttributeLength} characters");
            }
        }

        foreach (var cn in requested.CommonNames)
        {
            if (WildcardCommonNameProblem(cn, profile.AllowWildcardDnsNames, profile.Label) is { } problem)
            {
                return EstError.BadRequest(problem);
            }
        }

        return null;
    }

    /// <summary>
    /// Relying parties that still match host names against the CN (RFC 6125 §6.4.4) read "*.x.example" there
    /// as a wildcard, so a CN that looks like a host name with a '*' is a wildcard request like a dNSName one.
    /// </summary>
    internal static string? WildcardCommonNameProblem(string cn, bool wildcardsAllowed, string label)
    {
        if (!cn.Contains('*', StringComparison.Ordinal) || !cn.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        if (!wildcardsAllowed)
        {
            return $"CN '{cn}' is a wildcard name, which label '{label}' does not issue (AllowWildcardDnsNames is off)";
        }

        return NameSyntax.DnsNameProblem(cn, wildcardLabel: true) is { } problem ? "CN " + problem : null;
    }

    private static EstError? CheckSubjectAltNames(Profile profile, RequestedCertificate requested)
    {
        var names = requested.SubjectAltNames;
        if (names.Count > profile.MaxSans)
        {
            return EstError.BadRequest($"the CSR requests {names.Count} subject alternative names; label '{profile.Label}' allows at most {profile.MaxSans}");
        }

        foreach (var name in names)
        {
            if (!profile.SanTypes.Contains(name.Type))
            {
                return EstError.BadRequest($"subject alternative name type {name.Type} is not allowed by label '{profile.Label}'");
            }

            if (name.IsWildcardDns && !profile.AllowWildcardDnsNames)
            {
                return EstError.BadRequest($"wildcard {name} is not allowed by label '{profile.Label}' (AllowWildcardDnsNames is off)");
            }
        }

        return null;
    }
}
