using System.Formats.Asn1;
using Estuary.Protocol.Crypto;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Security;

namespace Estuary.Protocol.Cmc;

/// <summary>
/// A Full PKI Request (RFC 5272 §3.2): a CMS SignedData whose eContentType is id-cct-PKIData. Parsed at
/// the edge; the PKCS#10 requests inside are decoded with their own signatures verified, and the
/// SignedData signature is checked against the keys that may have made it: a certificate carried in the
/// SignedData, or the public key of a PKCS#10 inside (RFC 5272 §3.2.1.3.2: a request signed with the key
/// being certified). EC and RSA signers are verified by Bouncy Castle's CMS, ML-DSA signers (RFC 9882) by
/// <see cref="MlDsaSignedData"/>.
/// </summary>
public sealed class CmcRequest
{
    private CmcRequest(IReadOnlyList<CmcControl> controls, IReadOnlyList<CmcTaggedRequest> requests, string? signatureProblem, IReadOnlyList<CmcCertificateSigner> certificateSigners)
    {
        Controls = controls;
        Requests = requests;
        SignatureProblem = signatureProblem;
        CertificateSigners = certificateSigners;
        SignerCertificates = [.. certificateSigners.Select(s => s.Certificate)];
    }

    /// <summary>The controlSequence (RFC 5272 §3.2.1.2), in order; the RA decides which it acts on.</summary>
    public IReadOnlyList<CmcControl> Controls { get; }

    /// <summary>The TaggedRequests of the reqSequence, in order.</summary>
    public IReadOnlyList<CmcTaggedRequest> Requests { get; }

    /// <summary>
    /// DER of the certificates carried in the SignedData whose key verified a signer. Only their signature is
    /// checked here, not who issued them: the RA compares them with what it issued.
    /// </summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> SignerCertificates { get; }

    /// <summary>The same signers with the signingTime each signed (RFC 5652 §11.3), for the RA's freshness check.</summary>
    public IReadOnlyList<CmcCertificateSigner> CertificateSigners { get; }

    /// <summary>Null when the SignedData signature verified; otherwise why not.</summary>
    public string? SignatureProblem { get; }

    /// <exception cref="EstProtocolException">
    /// Not a CMS SignedData holding a PKIData, or a certificate or key inside it that cannot be read. Nothing
    /// else escapes: this runs before the client is authenticated, and bad input is a 400, never a 500.
    /// </exception>
    public static CmcRequest Decode(byte[] contentInfo)
    {
        try
        {
            return DecodeCore(contentInfo);
        }
        catch (Exception e) when (IsMalformedInput(e))
        {
            throw new EstProtocolException("the CMC request holds a structure, certificate or key that cannot be read (RFC 5272 §3.2, RFC 5652 §5)", e);
        }
    }

    /// <summary>
    /// What Bouncy Castle and the BCL throw on hostile CMS: their own exception types (Org.BouncyCastle.*),
    /// CryptographicException, ASN.1 errors, and the argument, cast, format and state errors their decoders
    /// raise on bytes they did not expect.
    /// </summary>
    public static bool IsMalformedInput(Exception e) =>
        e is not EstProtocolException
        && (e.GetType().Namespace?.StartsWith("Org.BouncyCastle", StringComparison.Ordinal) == true
            || e is System.Security.Cryptography.CryptographicException or AsnContentException or ArgumentException
                or InvalidCastException or InvalidOperationException or FormatException or IOException or OverflowException
                or IndexOutOfRangeException or KeyNotFoundException);

    private static CmcRequest DecodeCore(byte[] contentInfo)
    {
        CmsSignedData signed;
        byte[] content;
        try
        {
            signed = new CmsSignedData(contentInfo);
            if (signed.SignedContentType.Id != CmcOids.PkiData)
            {
                throw new EstProtocolException($"the CMC request's eContentType is {signed.SignedContentType.Id}, not id-cct-PKIData (RFC 5272 §3.2)");
            }

            if (signed.SignedContent is not { } encapsulated)
            {
                throw new EstProtocolException("the CMC request's SignedData has no encapsulated PKIData");
            }

            using var buffer = new MemoryStream();
            encapsulated.Write(buffer);
            content = buffer.ToArray();
        }
        catch (Exception e) when (e is CmsException or IOException or ArgumentException or InvalidCastException or InvalidOperationException)
        {
            throw new EstProtocolException("the body is not a CMS SignedData (RFC 5652 §5): " + e.Message, e);
        }

        var (controls, requests) = ReadPkiData(content);
        var certificateSigners = new List<CmcCertificateSigner>();
        var problem = VerifySignature(signed, content, requests, certificateSigners);
        return new CmcRequest(controls, requests, problem, certificateSigners);
    }

    /// <summary>
    /// PKIData ::= SEQUENCE { controlSequence, reqSequence SEQUENCE OF TaggedRequest, cmsSequence, otherMsgSequence }
    /// (RFC 5272 §3.2.1; the module has IMPLICIT TAGS, so tcr [0] is the TaggedCertificationRequest SEQUENCE).
    /// </summary>
    private static (List<CmcControl> Controls, List<CmcTaggedRequest> Requests) ReadPkiData(byte[] content)
    {
        try
        {
            var outer = new AsnReader(content, AsnEncodingRules.BER);
            var pkiData = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var controls = ReadControls(pkiData.ReadSequence());
            var reqSequence = pkiData.ReadSequence();
            pkiData.ReadSequence(); // cmsSequence
            pkiData.ReadSequence(); // otherMsgSequence
            pkiData.ThrowIfNotEmpty();

            var requests = new List<CmcTaggedRequest>();
            while (reqSequence.HasData)
            {
                var tag = reqSequence.PeekTag();
                if (tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
                {
                    var tcr = reqSequence.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
                    var bodyPartId = ReadBodyPartId(tcr);
                    var csrDer = tcr.ReadEncodedValue().ToArray();
                    tcr.ThrowIfNotEmpty();
                    try
                    {
                        requests.Add(new CmcTaggedRequest(bodyPartId, CertificationRequest.Decode(csrDer)));
                    }
                    catch (EstProtocolException e)
                    {
                        requests.Add(new CmcTaggedRequest(bodyPartId, null, e.Message, e.Message.Contains("signature does not verify", StringComparison.Ordinal) ? CmcFailInfo.PopFailed : CmcFailInfo.BadRequest));
                    }
                }
                else
                {
                    // crm [1] CertReqMsg (CRMF) and orm [2]: both begin with a bodyPartID.
                    var other = reqSequence.ReadSequence(tag);
                    var bodyPartId = tag.TagValue == 1 ? ReadBodyPartId(other.ReadSequence().ReadSequence()) : ReadBodyPartId(other);
                    requests.Add(new CmcTaggedRequest(bodyPartId, null, "only PKCS#10 requests (tcr) are supported; CRMF and other request formats are not", CmcFailInfo.BadRequest));
                }
            }

            return (controls, requests);
        }
        catch (AsnContentException e)
        {
            throw new EstProtocolException("the CMC request does not hold a DER PKIData (RFC 5272 §3.2.1): " + e.Message, e);
        }
    }

    /// <summary>controlSequence SEQUENCE SIZE(0..MAX) OF TaggedAttribute (RFC 5272 §3.2.1.2). Shared with the response decoder.</summary>
    internal static List<CmcControl> ReadControls(AsnReader controlSequence)
    {
        var controls = new List<CmcControl>();
        while (controlSequence.HasData)
        {
            var attribute = controlSequence.ReadSequence();
            var bodyPartId = ReadBodyPartId(attribute);
            var type = attribute.ReadObjectIdentifier();
            var set = attribute.ReadSetOf();
            attribute.ThrowIfNotEmpty();
            var values = new List<ReadOnlyMemory<byte>>();
            while (set.HasData)
            {
                values.Add(set.ReadEncodedValue().ToArray());
            }

            controls.Add(new CmcControl(bodyPartId, type, values));
        }

        return controls;
    }

    /// <summary>BodyPartID ::= INTEGER(0..4294967295) (RFC 5272 §3.2.2).</summary>
    internal static long ReadBodyPartId(AsnReader reader)
    {
        if (!reader.TryReadInt64(out var id) || id is < 0 or > uint.MaxValue)
        {
            throw new EstProtocolException("a CMC bodyPartID is outside 0..4294967295");
        }

        return id;
    }

    private static string? VerifySignature(CmsSignedData signed, byte[] content, List<CmcTaggedRequest> requests, List<CmcCertificateSigner> certificateSigners)
    {
        var signers = signed.GetSignerInfos().GetSigners();
        if (signers.Count == 0)
        {
            return "the CMC request is not signed";
        }

        var certificates = signed.GetCertificates();
        var eContentType = signed.SignedContentType.Id;
        foreach (var signer in signers)
        {
            var info = signer.SignerInfo;
            var mlDsa = MlDsaSignedData.IsMlDsaSigner(info);
            var verified = false;
            foreach (var certificate in certificates.EnumerateMatches(signer.SignerID))
            {
                if (mlDsa ? TryVerifyMlDsa(info, eContentType, content, SubjectPublicKeyInfoOf(certificate)) : TryVerify(signer, PublicKeyOf(certificate)))
                {
                    verified = true;
                    certificateSigners.Add(new CmcCertificateSigner(certificate.GetEncoded(), MlDsaSignedData.SigningTime(info)));
                }
            }

            foreach (var request in requests)
            {
                if (!verified && request.Csr is { } csr)
                {
                    var spki = csr.SubjectPublicKeyInfo.ToArray();
                    verified = mlDsa
                        ? TryVerifyMlDsa(info, eContentType, content, spki)
                        : !MlDsa.TryReadPublicKey(spki, out _, out _) && TryVerify(signer, PublicKeyFactory.CreateKey(spki));
                }
            }

            if (!verified)
            {
                return "the CMC request's signature does not verify with a certificate it carries nor with the key of a PKCS#10 it holds";
            }
        }

        return null;
    }

    /// <summary>RFC 9882 through the one ML-DSA SignedData verifier; any broken rule is a signature that does not verify.</summary>
    private static bool TryVerifyMlDsa(Org.BouncyCastle.Asn1.Cms.SignerInfo signer, string eContentType, byte[] content, byte[] subjectPublicKeyInfo)
    {
        try
        {
            MlDsaSignedData.VerifySignerInfo(signer, eContentType, content, subjectPublicKeyInfo);
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private static byte[] SubjectPublicKeyInfoOf(Org.BouncyCastle.X509.X509Certificate certificate) =>
        certificate.CertificateStructure.SubjectPublicKeyInfo.GetEncoded(Org.BouncyCastle.Asn1.Asn1Encodable.Der);

    /// <summary>A carried certificate's key; an unreadable one (an EC point off its curve, say) makes the whole request malformed.</summary>
    private static Org.BouncyCastle.Crypto.AsymmetricKeyParameter PublicKeyOf(Org.BouncyCastle.X509.X509Certificate certificate)
    {
        try
        {
            return certificate.GetPublicKey();
        }
        catch (Exception e) when (IsMalformedInput(e))
        {
            throw new EstProtocolException("a certificate in the CMC request's SignedData has a public key that cannot be read (malformed, or an EC point not on its curve)", e);
        }
    }

    private static bool TryVerify(SignerInformation signer, Org.BouncyCastle.Crypto.AsymmetricKeyParameter key)
    {
        try
        {
            return signer.Verify(key);
        }
        catch (Exception e) when (e is CmsException or InvalidOperationException or ArgumentException or Org.BouncyCastle.Security.SecurityUtilityException)
        {
            return false;
        }
    }
}
