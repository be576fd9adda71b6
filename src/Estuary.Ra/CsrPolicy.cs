using System.Formats.Asn1;
using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;

namespace Estuary.Ra;

/// <summary>
/// Checks a CSR against a label's profile and turns it into issuance instructions: key type and size,
/// subject attributes, SAN types and count. Only what the profile allows reaches the certificate.
/// </summary>
public static class CsrPolicy
{
    public static EstResult<IssuanceInstructions> Apply(Profile profile, CertificationRequest csr, DateTimeOffset now, TimeSpan backdate) =>
        CheckKey(profile, csr.PublicKey) is { } keyError ? keyError : ApplyNames(profile, csr, csr.SubjectPublicKeyInfo, now, backdate);

    /// <summary>
    /// /serverkeygen (RFC 7030 §4.4.1): the CSR's subject and extensions are the request, its public key is
    /// ignored; the certificate carries <paramref name="generatedKey"/> (a SubjectPublicKeyInfo the server made).
    /// </summary>
    public static EstResult<IssuanceInstructions> ApplyWithServerGeneratedKey(Profile profile, CertificationRequest csr, ReadOnlyMemory<byte> generatedKey, DateTimeOffset now, TimeSpan backdate) =>
        ApplyNames(profile, csr, generatedKey, now, backdate);

    private static EstResult<IssuanceInstructions> ApplyNames(Profile profile, CertificationRequest csr, ReadOnlyMemory<byte> subjectPublicKeyInfo, DateTimeOffset now, TimeSpan backdate)
    {
        if (CheckSubject(profile, csr.Subject) is { } subjectError)
        {
            return subjectError;
        }

        if (profile.Template?.CheckNames(csr, profile.Label) is { } templateError)
        {
            return templateError;
        }

        var extensions = new List<CertificateExtension>(profile.FixedExtensions.Count + 1);
        var san = csr.FindExtension(Oids.SubjectAltName);
        var subjectEmpty = csr.Subject.Length == 2; // SEQUENCE {} 
        if (san is not null)
        {
            IReadOnlyList<GeneralName> names;
            try
            {
                names = GeneralNames.Read(san.Value);
            }
            catch (EstProtocolException e)
            {
                return EstError.BadRequest(e.Message);
            }

            if (names.Count == 0)
            {
                return EstError.BadRequest("the CSR's subjectAltName is empty");
            }

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
            }

            // RFC 5280 §4.2.1.6: with an empty subject the SAN extension is critical.
            extensions.Add(new CertificateExtension(Oids.SubjectAltName, subjectEmpty, san.Value));
        }
        else if (subjectEmpty)
        {
            return EstError.BadRequest("the CSR has neither a subject nor a subjectAltName");
        }

        extensions.AddRange(profile.FixedExtensions);
        return EstResult<IssuanceInstructions>.Ok(new IssuanceInstructions
        {
            Subject = csr.Subject,
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

        if (key.IsRsa && profile.AllowsRsa)
        {
            return key.KeySizeBits >= profile.MinRsaBits
                ? null
                : EstError.BadRequest($"RSA key of {key.KeySizeBits} bits is too small: label '{profile.Label}' needs at least {profile.MinRsaBits}");
        }

        return EstError.BadRequest($"key type {key.Name} is not allowed by label '{profile.Label}' (allowed: {profile.AllowedKeysText})");
    }

    private static EstError? CheckSubject(Profile profile, ReadOnlyMemory<byte> subject)
    {
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
                    if (!profile.SubjectAttributeOids.Contains(type))
                    {
                        return EstError.BadRequest($"subject attribute {Profile.AttributeName(type)} is not allowed by label '{profile.Label}'");
                    }

                    var value = atv.ReadEncodedValue();
                    var text = CertificationRequest.ReadDirectoryString(value);
                    if (text.Length == 0 || text.Length > 256)
                    {
                        return EstError.BadRequest($"subject attribute {Profile.AttributeName(type)} must be 1 to 256 characters");
                    }
                }
            }

            return null;
        }
        catch (AsnContentException)
        {
            return EstError.BadRequest("the CSR subject holds a value that is not a valid string");
        }
        catch (EstProtocolException e)
        {
            return EstError.BadRequest(e.Message);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return EstError.BadRequest("the CSR subject holds a string that is not valid UTF-8");
        }
    }
}
