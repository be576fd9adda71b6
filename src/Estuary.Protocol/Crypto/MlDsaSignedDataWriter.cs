using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.X509;
using CmsAttribute = Org.BouncyCastle.Asn1.Cms.Attribute;

namespace Estuary.Protocol.Crypto;

/// <summary>
/// Writes a CMS SignedData (RFC 5652 §5) signed with ML-DSA as RFC 9882 profiles it: pure ML-DSA with the empty
/// context; signatureAlgorithm = the ML-DSA OID with parameters absent (§4); signed attributes always present, so that
/// content-type binds the eContentType (RFC 5652 §11.1) and signingTime can be checked (§11.3); the messageDigest under
/// SHA-512, which RFC 9882 §3 recommends for every ML-DSA parameter set (collision strength of at least 256 bits).
/// Bouncy Castle's CMS generator is not used: its ML-DSA choices (digest, parameters) are not the ones RFC 9882 fixes,
/// and building the few structures on its ASN.1 classes keeps every rule visible. <see cref="MlDsaSignedData"/> reads it.
/// </summary>
public static class MlDsaSignedDataWriter
{
    /// <param name="contentType">The eContentType OID (e.g. id-cct-PKIData, id-cct-PKIResponse, id-ct-KP-aKeyPackage).</param>
    /// <param name="content">The eContent, encapsulated.</param>
    /// <param name="key">The ML-DSA signing key.</param>
    /// <param name="signerCertificate">The signer's certificate (DER): it names the signer by issuer and serial (SignerInfo v1)
    /// and travels in the certificates. Null: the signer is named by the subjectKeyIdentifier of <paramref name="key"/>
    /// (SignerInfo v3; RFC 5272 §3.2.1.3.2, a request signed with the key being certified).</param>
    /// <param name="certificates">Further certificates to carry (the chain).</param>
    /// <param name="signingTime">The signingTime attribute, whole seconds (UTCTime before 2050, RFC 5652 §11.3).</param>
    /// <returns>The DER ContentInfo.</returns>
    public static byte[] Sign(string contentType, byte[] content, MlDsaPrivateKey key, byte[]? signerCertificate, IEnumerable<ReadOnlyMemory<byte>> certificates, DateTimeOffset signingTime)
    {
        var digestAlgorithm = new AlgorithmIdentifier(NistObjectIdentifiers.IdSha512);
        var signatureAlgorithm = new AlgorithmIdentifier(new DerObjectIdentifier(key.Oid)); // parameters absent
        var eContentType = new DerObjectIdentifier(contentType);
        var seconds = DateTimeOffset.FromUnixTimeSeconds(signingTime.ToUnixTimeSeconds()).UtcDateTime;
        var signedAttributes = new DerSet(new Asn1Encodable[]
        {
            new CmsAttribute(CmsAttributes.ContentType, new DerSet(eContentType)),
            new CmsAttribute(CmsAttributes.SigningTime, new DerSet(new Org.BouncyCastle.Asn1.Cms.Time(seconds))),
            new CmsAttribute(CmsAttributes.MessageDigest, new DerSet(new DerOctetString(SHA512.HashData(content)))),
        });
        var signature = key.Sign(signedAttributes.GetEncoded(Asn1Encodable.Der));

        var carried = new Asn1EncodableVector();
        SignerIdentifier signerId;
        if (signerCertificate is not null)
        {
            var certificate = X509CertificateStructure.GetInstance(signerCertificate);
            signerId = new SignerIdentifier(new IssuerAndSerialNumber(certificate.Issuer, certificate.SerialNumber.Value));
            carried.Add(certificate);
        }
        else
        {
            signerId = new SignerIdentifier(new SubjectKeyIdentifier(KeyIdentifier(key.SubjectPublicKeyInfo)));
        }

        foreach (var extra in certificates)
        {
            carried.Add(X509CertificateStructure.GetInstance(extra.ToArray()));
        }

        var signerInfo = new SignerInfo(signerId, digestAlgorithm, signedAttributes, signatureAlgorithm, new DerOctetString(signature), null);
        var signedData = new SignedData(
            new DerSet(digestAlgorithm),
            new ContentInfo(eContentType, new DerOctetString(content)),
            carried.Count == 0 ? null : new DerSet(carried),
            null,
            new DerSet(signerInfo));
        return new ContentInfo(CmsObjectIdentifiers.SignedData, signedData).GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING, as the CMC signer of an EC or RSA key is named.</summary>
    public static byte[] KeyIdentifier(byte[] subjectPublicKeyInfo)
    {
        var info = SubjectPublicKeyInfo.GetInstance(subjectPublicKeyInfo);
#pragma warning disable CA5350 // SHA-1 is what RFC 5280 §4.2.1.2 names for key identifiers; it is not used for security here.
        return SHA1.HashData(info.PublicKey.GetBytes());
#pragma warning restore CA5350
    }
}
