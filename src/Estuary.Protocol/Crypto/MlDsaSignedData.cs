using System.Security.Cryptography;
using Estuary.Protocol.Asn1;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.X509;

namespace Estuary.Protocol.Crypto;

/// <summary>
/// Verifies a CMS SignedData (RFC 5652) signed with ML-DSA as RFC 9882 profiles it: pure ML-DSA with the empty context,
/// signatureAlgorithm = the ML-DSA OID with absent parameters; with signed attributes, the signature covers their DER
/// SET and the messageDigest attribute is the digest of the content (SHA-512 recommended, §3). Bouncy Castle's ASN.1
/// classes read the structure; the checks are spelled out here so each rule of RFC 9882 is visible. The signing side
/// is <see cref="MlDsaSignedDataWriter"/>.
/// </summary>
public static class MlDsaSignedData
{
    /// <summary>Checks the one SignerInfo of <paramref name="contentInfo"/> with the key of <paramref name="signerCertificate"/>; returns the content.</summary>
    /// <exception cref="CryptographicException">Any rule broken, or the signature does not verify.</exception>
    public static byte[] Verify(byte[] contentInfo, byte[] signerCertificate, byte[]? detachedContent = null)
    {
        try
        {
            var signedData = SignedData.GetInstance(ContentInfo.GetInstance(Asn1Object.FromByteArray(contentInfo)).Content);
            var encapsulated = signedData.EncapContentInfo.Content is Asn1OctetString octets ? octets.GetOctets() : null;
            var content = encapsulated ?? detachedContent ?? throw new CryptographicException("the SignedData carries no content and none was given");
            if (signedData.SignerInfos.Count != 1)
            {
                throw new CryptographicException("exactly one SignerInfo is expected");
            }

            var certificate = X509CertificateStructure.GetInstance(signerCertificate);
            var spki = certificate.SubjectPublicKeyInfo.GetEncoded(Asn1Encodable.Der);
            VerifySignerInfo(SignerInfo.GetInstance(signedData.SignerInfos[0]), signedData.EncapContentInfo.ContentType.Id, content, spki);
            return content;
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException)
        {
            throw new CryptographicException("not a CMS SignedData: " + e.Message, e);
        }
    }

    /// <summary>True when <paramref name="signer"/> says it is signed with ML-DSA (whatever its parameters: <see cref="VerifySignerInfo"/> refuses them).</summary>
    public static bool IsMlDsaSigner(SignerInfo signer) => MlDsa.IsMlDsa(signer.SignatureAlgorithm.Algorithm.Id);

    /// <summary>
    /// Checks one ML-DSA SignerInfo over <paramref name="content"/> (of type <paramref name="eContentType"/>) with the key in
    /// <paramref name="subjectPublicKeyInfo"/>: the rules of RFC 9882 §4 and RFC 5652 §5.4/§11.1–11.2.
    /// </summary>
    /// <exception cref="CryptographicException">Any rule broken, or the signature does not verify.</exception>
    public static void VerifySignerInfo(SignerInfo signer, string eContentType, byte[] content, byte[] subjectPublicKeyInfo)
    {
        var algorithm = signer.SignatureAlgorithm;
        var oid = algorithm.Algorithm.Id;
        if (!MlDsa.IsMlDsa(oid) || algorithm.Parameters is not null)
        {
            throw new CryptographicException($"the signature algorithm {oid} is not ML-DSA with absent parameters (RFC 9882 §4)");
        }

        byte[] signedBytes;
        if (signer.SignedAttrs is { } attributes)
        {
            // RFC 5652 §5.4: the signature covers the DER of the attributes as an explicit SET OF, and
            // messageDigest must be the digest of the content under the SignerInfo's digestAlgorithm.
            var table = new Org.BouncyCastle.Asn1.Cms.AttributeTable(attributes);
            var digest = table[CmsAttributes.MessageDigest] is { } attribute
                ? Asn1OctetString.GetInstance(attribute.AttrValues[0]).GetOctets()
                : throw new CryptographicException("signed attributes without messageDigest (RFC 5652 §11.2)");

            // RFC 5652 §11.1: with signed attributes, content-type MUST be present and equal the eContentType, so a
            // signature over one kind of content cannot be replayed as another.
            if (table[CmsAttributes.ContentType] is not { } contentType || DerObjectIdentifier.GetInstance(contentType.AttrValues[0]).Id != eContentType)
            {
                throw new CryptographicException($"the content-type signed attribute is missing or is not {eContentType} (RFC 5652 §11.1)");
            }

            var expected = signer.DigestAlgorithm.Algorithm.Id switch
            {
                "2.16.840.1.101.3.4.2.3" => SHA512.HashData(content),
                "2.16.840.1.101.3.4.2.2" => SHA384.HashData(content),
                "2.16.840.1.101.3.4.2.1" => SHA256.HashData(content),
                var other => throw new CryptographicException($"digest algorithm {other} is not SHA-2"),
            };
            if (!CryptographicOperations.FixedTimeEquals(digest, expected))
            {
                throw new CryptographicException("messageDigest does not match the content");
            }

            signedBytes = attributes.GetEncoded(Asn1Encodable.Der);
        }
        else
        {
            signedBytes = content;
        }

        if (!MlDsa.Verify(oid, subjectPublicKeyInfo, signedBytes, signer.Signature.GetOctets()))
        {
            throw new CryptographicException($"the {new PublicKeyKind(oid, null, 0).Name} signature of the SignedData does not verify");
        }
    }

    /// <summary>The signingTime signed attribute (RFC 5652 §11.3) of <paramref name="signer"/>, or null when absent or unreadable.</summary>
    public static DateTimeOffset? SigningTime(SignerInfo signer)
    {
        if (signer.SignedAttrs is not { } attributes || new Org.BouncyCastle.Asn1.Cms.AttributeTable(attributes)[CmsAttributes.SigningTime] is not { } attribute || attribute.AttrValues.Count != 1)
        {
            return null;
        }

        try
        {
            return new DateTimeOffset(DateTime.SpecifyKind(Org.BouncyCastle.Asn1.Cms.Time.GetInstance(attribute.AttrValues[0]).ToDateTime(), DateTimeKind.Utc));
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The certificates the SignedData carries (DER).</summary>
    public static IReadOnlyList<byte[]> Certificates(byte[] contentInfo)
    {
        var signedData = SignedData.GetInstance(ContentInfo.GetInstance(Asn1Object.FromByteArray(contentInfo)).Content);
        return signedData.Certificates is null ? [] : [.. signedData.Certificates.Cast<Asn1Encodable>().Select(c => c.GetEncoded(Asn1Encodable.Der))];
    }
}
