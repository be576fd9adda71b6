using System.Formats.Asn1;
using Org.BouncyCastle.Cms;

namespace Estuary.Protocol.Cmc;

/// <summary>
/// A Full PKI Response as a client reads it (RFC 5272 §3.2.2, §4): the SignedData signature verified with
/// the signer certificate it carries, the CMCStatusInfoV2 (and V1) controls, the other controls and the
/// certificates. Whether the signer is trusted is the caller's decision: it gets <see cref="SignerCertificate"/>.
/// </summary>
public sealed class CmcPkiResponse
{
    private CmcPkiResponse(IReadOnlyList<CmcStatusInfo> statuses, IReadOnlyList<CmcControl> controls, IReadOnlyList<byte[]> certificates, byte[] signerCertificate)
    {
        Statuses = statuses;
        Controls = controls;
        Certificates = certificates;
        SignerCertificate = signerCertificate;
    }

    public IReadOnlyList<CmcStatusInfo> Statuses { get; }

    /// <summary>The controls other than status: transactionId, senderNonce, recipientNonce, …</summary>
    public IReadOnlyList<CmcControl> Controls { get; }

    /// <summary>DER of every certificate of the SignedData (issued certificates, chain, the signer).</summary>
    public IReadOnlyList<byte[]> Certificates { get; }

    /// <summary>DER of the certificate whose key verified the signature.</summary>
    public byte[] SignerCertificate { get; }

    /// <summary>The first control of <paramref name="type"/>, or null.</summary>
    public CmcControl? Find(string type) => Controls.FirstOrDefault(c => c.Type == type);

    /// <exception cref="EstProtocolException">Not a signed PKIResponse, or its signature does not verify.</exception>
    public static CmcPkiResponse Decode(byte[] contentInfo)
    {
        CmsSignedData signed;
        byte[] content;
        byte[]? signer = null;
        var certificates = new List<byte[]>();
        try
        {
            signed = new CmsSignedData(contentInfo);
            if (signed.SignedContentType.Id != CmcOids.PkiResponse)
            {
                throw new EstProtocolException($"the CMC response's eContentType is {signed.SignedContentType.Id}, not id-cct-PKIResponse (RFC 5272 §3.2.2)");
            }

            if (signed.SignedContent is not { } encapsulated)
            {
                throw new EstProtocolException("the CMC response's SignedData has no encapsulated PKIResponse");
            }

            using var buffer = new MemoryStream();
            encapsulated.Write(buffer);
            content = buffer.ToArray();
            var store = signed.GetCertificates();
            certificates.AddRange(store.EnumerateMatches(null).Select(c => c.GetEncoded()));
            var signers = signed.GetSignerInfos().GetSigners();
            if (signers.Count == 0)
            {
                throw new EstProtocolException("the CMC response is not signed (RFC 5272 §3.2.2)");
            }

            foreach (var info in signers)
            {
                // ML-DSA (RFC 9882, an ML-DSA label's answer) through the one ML-DSA SignedData verifier; EC/RSA through Bouncy Castle.
                var match = Crypto.MlDsaSignedData.IsMlDsaSigner(info.SignerInfo)
                    ? store.EnumerateMatches(info.SignerID).FirstOrDefault(c => VerifiesMlDsa(info, signed.SignedContentType.Id, content, c))
                    : store.EnumerateMatches(info.SignerID).FirstOrDefault(c => info.Verify(c));
                signer ??= (match ?? throw new EstProtocolException("the CMC response's signature does not verify with a certificate it carries")).GetEncoded();
            }
        }
        catch (Exception e) when (e is CmsException or IOException or ArgumentException or InvalidCastException or InvalidOperationException or Org.BouncyCastle.Security.SecurityUtilityException)
        {
            throw new EstProtocolException("the CMC response is not a valid CMS SignedData (RFC 5652 §5): " + e.Message, e);
        }

        try
        {
            var outer = new AsnReader(content, AsnEncodingRules.BER);
            var response = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var controls = CmcRequest.ReadControls(response.ReadSequence());
            var statuses = new List<CmcStatusInfo>();
            var others = new List<CmcControl>();
            foreach (var control in controls)
            {
                if (control.Type is CmcOids.StatusInfoV2 or CmcOids.StatusInfo)
                {
                    statuses.AddRange(control.Values.Select(ReadStatusInfo));
                }
                else
                {
                    others.Add(control);
                }
            }

            return new CmcPkiResponse(statuses, others, certificates, signer!);
        }
        catch (AsnContentException e)
        {
            throw new EstProtocolException("the CMC response does not hold a DER PKIResponse (RFC 5272 §3.2.2): " + e.Message, e);
        }
    }

    private static bool VerifiesMlDsa(SignerInformation info, string eContentType, byte[] content, Org.BouncyCastle.X509.X509Certificate certificate)
    {
        try
        {
            Crypto.MlDsaSignedData.VerifySignerInfo(info.SignerInfo, eContentType, content, certificate.CertificateStructure.SubjectPublicKeyInfo.GetEncoded(Org.BouncyCastle.Asn1.Asn1Encodable.Der));
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// CMCStatusInfoV2 ::= SEQUENCE { cMCStatus, bodyList SEQUENCE OF BodyPartReference, statusString
    /// UTF8String OPTIONAL, otherInfo OtherStatusInfo OPTIONAL }; CMCStatusInfo (V1) has the same shape with
    /// plain bodyPartIDs. A bodyPartPath reference is reported by its last element.
    /// </summary>
    private static CmcStatusInfo ReadStatusInfo(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.BER);
        var info = outer.ReadSequence();
        info.TryReadInt32(out var status);
        var bodyList = new List<long>();
        var references = info.ReadSequence();
        while (references.HasData)
        {
            if (references.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var path = references.ReadSequence();
                long last = 0;
                while (path.HasData)
                {
                    last = CmcRequest.ReadBodyPartId(path);
                }

                bodyList.Add(last);
            }
            else
            {
                bodyList.Add(CmcRequest.ReadBodyPartId(references));
            }
        }

        string? text = null;
        CmcFailInfo? failInfo = null;
        if (info.HasData && info.PeekTag().HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.UTF8String)))
        {
            text = info.ReadCharacterString(UniversalTagNumber.UTF8String);
        }

        if (info.HasData && info.PeekTag().HasSameClassAndValue(Asn1Tag.Integer) && info.TryReadInt32(out var fail))
        {
            failInfo = (CmcFailInfo)fail;
        }

        return new CmcStatusInfo((CmcStatus)status, bodyList, text, failInfo);
    }
}
