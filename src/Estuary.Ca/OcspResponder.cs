using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Estuary.Ca;

/// <summary>
/// Answers OCSP requests (RFC 6960) for one issuing CA: parses the OCSPRequest, asks for the status of each
/// serial, and returns a BasicOCSPResponse signed by the delegated responder (§4.2.2.2), echoing the nonce
/// (RFC 8954). A request it cannot read gets the malformedRequest response (§2.3), never an exception.
/// </summary>
public sealed class OcspResponder
{
    /// <summary>More single requests than this in one OCSPRequest are refused: nobody asks for so many at once.</summary>
    public const int MaxRequests = 32;

    private readonly CertificateAuthority _issuing;
    private readonly BcCertificate _bcIssuing;
    private readonly Dictionary<string, (byte[] NameHash, byte[] KeyHash)> _issuerHashes;
    private volatile Delegated? _delegated;

    public OcspResponder(CertificateAuthority issuing)
    {
        _issuing = issuing;
        _bcIssuing = new BcCertificate(issuing.Certificate.RawData);
        _issuerHashes = IssuerHashes(issuing);
    }

    public CertificateAuthority Issuing => _issuing;

    /// <summary>The parsed OCSPRequest (RFC 6960 §4.1.1), or null when it cannot be read (answered malformedRequest).</summary>
    public static OcspReq? TryParse(ReadOnlyMemory<byte> request)
    {
        try
        {
            var parsed = new OcspReq(request.ToArray());
            _ = parsed.GetRequestList(); // reads the list now, so that a bad one is caught here
            return parsed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null; // Bouncy Castle reports bad DER through many exception types; whichever it is, the client sent it.
        }
    }

    /// <summary>
    /// True when the first CertID of <paramref name="request"/> names this CA (RFC 6960 §4.1.1 issuerNameHash and
    /// issuerKeyHash): the responder to pick among the issuing CAs this server answers for.
    /// </summary>
    public bool AnswersFirstOf(OcspReq request)
    {
        var singles = request.GetRequestList();
        return singles.Length > 0 && Matches(singles[0].GetCertID());
    }

    /// <summary>
    /// The issuing CA an OCSPRequest asks about: the first of <paramref name="candidates"/> whose name and key hashes
    /// match the first CertID (RFC 6960 §4.1.1 issuerNameHash, issuerKeyHash); null when none does or the request
    /// cannot be read (the responder then answers it as usual: unknown or malformedRequest).
    /// </summary>
    public static CertificateAuthority? MatchIssuer(ReadOnlyMemory<byte> request, IReadOnlyList<CertificateAuthority> candidates) =>
        TryParse(request) is { } parsed ? candidates.FirstOrDefault(c => new OcspResponder(c).AnswersFirstOf(parsed)) : null;

    /// <summary>The DER OCSPResponse for <paramref name="request"/>.</summary>
    /// <param name="lookup">The status of a serial (upper-case hex) issued by this CA.</param>
    /// <param name="signer">The delegated responder (RFC 6960 §4.2.2.2); null: the CA signs with its own key (an ML-DSA hierarchy, whose responses are then ML-DSA-signed, RFC 9881 §3).</param>
    public Task<OcspAnswer> RespondAsync(
        ReadOnlyMemory<byte> request,
        Func<string, CancellationToken, Task<OcspCertificateStatus>> lookup,
        OcspSigningIdentity? signer,
        DateTimeOffset now,
        TimeSpan validity,
        CancellationToken cancellationToken) =>
        RespondAsync(TryParse(request), lookup, signer, now, validity, cancellationToken);

    /// <summary>The DER OCSPResponse for a request parsed by <see cref="TryParse"/> (null: it could not be read).</summary>
    public async Task<OcspAnswer> RespondAsync(
        OcspReq? parsed,
        Func<string, CancellationToken, Task<OcspCertificateStatus>> lookup,
        OcspSigningIdentity? signer,
        DateTimeOffset now,
        TimeSpan validity,
        CancellationToken cancellationToken)
    {
        if (parsed is null)
        {
            return OcspAnswer.Error(OcspRespStatus.MalformedRequest, "the body is not a DER OCSPRequest (RFC 6960 §4.1.1)");
        }

        var singles = parsed.GetRequestList();
        if (singles.Length == 0 || singles.Length > MaxRequests)
        {
            return OcspAnswer.Error(OcspRespStatus.MalformedRequest, $"an OCSPRequest must ask about 1 to {MaxRequests} certificates");
        }

        var thisUpdate = TruncateToSeconds(now);
        var nextUpdate = thisUpdate + validity;
        // RFC 6960 §4.2.2.3: the delegated responder is named by its key hash; the CA signing itself, by its name.
        var delegated = signer is null ? null : DelegatedFor(signer);
        var generator = delegated is not null
            ? new BasicOcspRespGenerator(delegated.ResponderId)
            : new BasicOcspRespGenerator(new RespID(X509Name.GetInstance(_issuing.Certificate.SubjectName.RawData)));
        var allGood = true;
        foreach (var single in singles)
        {
            var id = single.GetCertID();
            OcspCertificateStatus status;
            try
            {
                status = Matches(id)
                    ? await lookup(Convert.ToHexString(id.SerialNumber.ToByteArrayUnsigned()), cancellationToken)
                    : OcspCertificateStatus.Unknown; // RFC 6960 §2.2: not a CA this responder answers for
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                status = OcspCertificateStatus.Unknown; // a serial Bouncy Castle cannot read
            }

            allGood &= status.Kind != OcspStatusKind.Unknown;
            generator.AddResponse(id, ToBc(status), thisUpdate.UtcDateTime, nextUpdate.UtcDateTime, null);
        }

        var nonce = parsed.RequestExtensions?.GetExtension(OcspObjectIdentifiers.PkixOcspNonce);
        if (nonce is not null)
        {
            // RFC 8954 §2.1: the nonce is 1 to 32 octets; echo it unchanged.
            byte[] value;
            try
            {
                value = Asn1OctetString.GetInstance(nonce.GetParsedValue()).GetOctets();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or Asn1Exception)
            {
                return OcspAnswer.Error(OcspRespStatus.MalformedRequest, "the OCSP nonce is not an OCTET STRING (RFC 8954 §2.1)");
            }

            if (value.Length is < 1 or > 32)
            {
                return OcspAnswer.Error(OcspRespStatus.MalformedRequest, "the OCSP nonce must be 1 to 32 octets (RFC 8954 §2.1)");
            }

            generator.SetResponseExtensions(new X509Extensions(new Dictionary<DerObjectIdentifier, X509Extension>
            {
                [OcspObjectIdentifiers.PkixOcspNonce] = new X509Extension(false, nonce.Value),
            }));
        }

        var basic = delegated is not null
            ? generator.Generate(delegated.Factory, delegated.Chain, thisUpdate.UtcDateTime)
            : generator.Generate(new CaKeySignatureFactory(_issuing.SigningKey), [_bcIssuing], thisUpdate.UtcDateTime);
        var der = new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic).GetEncoded();
        var cacheable = nonce is null && allGood;
        return new OcspAnswer(der, OcspRespStatus.Successful, null, cacheable ? nextUpdate : null)
        {
            ThisUpdate = thisUpdate,
            ETag = cacheable ? OcspAnswer.EntityTag(der) : null,
        };
    }

    /// <summary>
    /// RFC 6960 §4.1.1: the CertID names its issuer by the hashes of its name and key. Bouncy Castle's MatchesIssuer
    /// computes them (and parses the issuer) per call; for the usual hash algorithms they are computed once here.
    /// </summary>
    private bool Matches(CertificateID id)
    {
        if (!_issuerHashes.TryGetValue(id.HashAlgOid, out var ours))
        {
            try
            {
                return id.MatchesIssuer(_bcIssuing);
            }
            catch (Exception e) when (e is Org.BouncyCastle.Ocsp.OcspException or Org.BouncyCastle.Security.SecurityUtilityException or ArgumentException or InvalidOperationException)
            {
                return false; // a CertID hash algorithm we do not compute
            }
        }

        var theirs = id.ToAsn1Object();
        return theirs.IssuerNameHash.GetOctets().AsSpan().SequenceEqual(ours.NameHash)
            && theirs.IssuerKeyHash.GetOctets().AsSpan().SequenceEqual(ours.KeyHash);
    }

#pragma warning disable CA5350 // RFC 5019 §2.1.1: clients name the issuer by SHA-1 hashes; a lookup, not a signature.
    private static Dictionary<string, (byte[] NameHash, byte[] KeyHash)> IssuerHashes(CertificateAuthority issuing)
    {
        var name = issuing.Certificate.SubjectName.RawData;
        var key = issuing.Certificate.PublicKey.EncodedKeyValue.RawData; // the subjectPublicKey BIT STRING's value
        return new Dictionary<string, (byte[], byte[])>(StringComparer.Ordinal)
        {
            ["1.3.14.3.2.26"] = (SHA1.HashData(name), SHA1.HashData(key)),
            ["2.16.840.1.101.3.4.2.1"] = (SHA256.HashData(name), SHA256.HashData(key)),
            ["2.16.840.1.101.3.4.2.2"] = (SHA384.HashData(name), SHA384.HashData(key)),
            ["2.16.840.1.101.3.4.2.3"] = (SHA512.HashData(name), SHA512.HashData(key)),
        };
    }
#pragma warning restore CA5350

    /// <summary>The Bouncy Castle objects of a delegated responder, made once per responder certificate, not per answer.</summary>
    private Delegated DelegatedFor(OcspSigningIdentity signer)
    {
        var current = _delegated;
        if (current is not null && ReferenceEquals(current.Signer, signer))
        {
            return current;
        }

        current = new Delegated(
            signer,
            new RespID(Org.BouncyCastle.Security.PublicKeyFactory.CreateKey(signer.Certificate.PublicKey.ExportSubjectPublicKeyInfo())),
            new BclSignatureFactory(signer.Key, HashAlgorithmName.SHA256),
            [new BcCertificate(signer.Certificate.RawData), _bcIssuing]);
        _delegated = current;
        return current;
    }

    private sealed record Delegated(OcspSigningIdentity Signer, RespID ResponderId, BclSignatureFactory Factory, BcCertificate[] Chain);

    private static CertificateStatus? ToBc(OcspCertificateStatus status) => status.Kind switch
    {
        OcspStatusKind.Good => CertificateStatus.Good,
        OcspStatusKind.Revoked => new RevokedStatus(TruncateToSeconds(status.RevokedAt!.Value).UtcDateTime, status.Reason),
        _ => new UnknownStatus(),
    };

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
