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

    public OcspResponder(CertificateAuthority issuing)
    {
        _issuing = issuing;
        _bcIssuing = new BcCertificate(issuing.Certificate.RawData);
    }

    public CertificateAuthority Issuing => _issuing;

    /// <summary>
    /// The issuing CA an OCSPRequest asks about: the first of <paramref name="candidates"/> whose name and key hashes
    /// match the first CertID (RFC 6960 §4.1.1 issuerNameHash, issuerKeyHash); null when none does or the request
    /// cannot be read (the responder then answers it as usual: unknown or malformedRequest).
    /// </summary>
    public static CertificateAuthority? MatchIssuer(ReadOnlyMemory<byte> request, IReadOnlyList<CertificateAuthority> candidates)
    {
        try
        {
            var singles = new OcspReq(request.ToArray()).GetRequestList();
            if (singles.Length == 0)
            {
                return null;
            }

            var id = singles[0].GetCertID();
            return candidates.FirstOrDefault(c => id.MatchesIssuer(new BcCertificate(c.Certificate.RawData)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null; // whatever Bouncy Castle throws for bad DER: RespondAsync reports it
        }
    }

    /// <summary>The DER OCSPResponse for <paramref name="request"/>.</summary>
    /// <param name="lookup">The status of a serial (upper-case hex) issued by this CA.</param>
    /// <param name="signer">The delegated responder (RFC 6960 §4.2.2.2); null: the CA signs with its own key (an ML-DSA hierarchy, whose responses are then ML-DSA-signed, RFC 9881 §3).</param>
    public async Task<OcspAnswer> RespondAsync(
        ReadOnlyMemory<byte> request,
        Func<string, CancellationToken, Task<OcspCertificateStatus>> lookup,
        OcspSigningIdentity? signer,
        DateTimeOffset now,
        TimeSpan validity,
        CancellationToken cancellationToken)
    {
        OcspReq parsed;
        Req[] singles;
        try
        {
            parsed = new OcspReq(request.ToArray());
            singles = parsed.GetRequestList();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Bouncy Castle reports bad DER through many exception types; whichever it is, the client sent it.
            return OcspAnswer.Error(OcspRespStatus.MalformedRequest, "the body is not a DER OCSPRequest (RFC 6960 §4.1.1)");
        }

        if (singles.Length == 0 || singles.Length > MaxRequests)
        {
            return OcspAnswer.Error(OcspRespStatus.MalformedRequest, $"an OCSPRequest must ask about 1 to {MaxRequests} certificates");
        }

        var thisUpdate = TruncateToSeconds(now);
        var nextUpdate = thisUpdate + validity;
        // RFC 6960 §4.2.2.3: the delegated responder is named by its key hash; the CA signing itself, by its name.
        var generator = signer is not null
            ? new BasicOcspRespGenerator(Org.BouncyCastle.Security.PublicKeyFactory.CreateKey(signer.Certificate.PublicKey.ExportSubjectPublicKeyInfo()))
            : new BasicOcspRespGenerator(new RespID(X509Name.GetInstance(_issuing.Certificate.SubjectName.RawData)));
        var allGood = true;
        foreach (var single in singles)
        {
            var id = single.GetCertID();
            OcspCertificateStatus status;
            try
            {
                status = id.MatchesIssuer(_bcIssuing)
                    ? await lookup(Convert.ToHexString(id.SerialNumber.ToByteArrayUnsigned()), cancellationToken)
                    : OcspCertificateStatus.Unknown; // RFC 6960 §2.2: not a CA this responder answers for
            }
            catch (Exception e) when (e is Org.BouncyCastle.Ocsp.OcspException or Org.BouncyCastle.Security.SecurityUtilityException or ArgumentException or InvalidOperationException)
            {
                status = OcspCertificateStatus.Unknown; // a CertID hash algorithm we do not compute
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

        var basic = signer is not null
            ? generator.Generate(new BclSignatureFactory(signer.Key, HashAlgorithmName.SHA256), [new BcCertificate(signer.Certificate.RawData), _bcIssuing], thisUpdate.UtcDateTime)
            : generator.Generate(new CaKeySignatureFactory(_issuing.SigningKey), [_bcIssuing], thisUpdate.UtcDateTime);
        var response = new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic);
        return new OcspAnswer(response.GetEncoded(), OcspRespStatus.Successful, null, nonce is null && allGood ? nextUpdate : null);
    }

    private static CertificateStatus? ToBc(OcspCertificateStatus status) => status.Kind switch
    {
        OcspStatusKind.Good => CertificateStatus.Good,
        OcspStatusKind.Revoked => new RevokedStatus(TruncateToSeconds(status.RevokedAt!.Value).UtcDateTime, status.Reason),
        _ => new UnknownStatus(),
    };

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
