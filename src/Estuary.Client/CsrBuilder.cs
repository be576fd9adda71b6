using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Client;

/// <summary>Builds the PKCS#10 (RFC 2986) a device sends: subject, subjectAltName, signed with its key.</summary>
public static class CsrBuilder
{
    /// <param name="key">ECDSA or RSA private key; the CSR signature is the proof of possession (RFC 7030 §3.4).</param>
    /// <param name="subject">The subject DN; may be empty when SANs are given (RFC 5280 §4.1.2.6).</param>
    /// <param name="dnsNames">dNSName SANs.</param>
    /// <param name="ipAddresses">iPAddress SANs.</param>
    /// <param name="emails">rfc822Name SANs.</param>
    /// <param name="hash">Signature hash; null takes the one that matches the key.</param>
    public static byte[] Build(
        AsymmetricAlgorithm key,
        X500DistinguishedName subject,
        IEnumerable<string>? dnsNames = null,
        IEnumerable<IPAddress>? ipAddresses = null,
        IEnumerable<string>? emails = null,
        HashAlgorithmName? hash = null,
        IEnumerable<AsnEncodedData>? attributes = null)
    {
        var h = hash ?? KeySpec.Of(key).Hash;
        var request = key switch
        {
            ECDsa ec => new CertificateRequest(subject, ec, h),
            RSA rsa => new CertificateRequest(subject, rsa, h, RSASignaturePadding.Pkcs1),
            MlDsaKey mlDsa => MlDsaRequest(subject, mlDsa),
            _ => throw new ArgumentException("ECDSA, RSA or ML-DSA key expected", nameof(key)),
        };
        var sans = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var dns in dnsNames ?? [])
        {
            sans.AddDnsName(dns);
            any = true;
        }

        foreach (var ip in ipAddresses ?? [])
        {
            sans.AddIpAddress(ip);
            any = true;
        }

        foreach (var email in emails ?? [])
        {
            sans.AddEmailAddress(email);
            any = true;
        }

        if (any)
        {
            // RFC 5280 §4.2.1.6: critical when the subject is empty.
            request.CertificateExtensions.Add(sans.Build(critical: subject.RawData.Length <= 2));
        }

        foreach (var attribute in attributes ?? [])
        {
            request.OtherRequestAttributes.Add(attribute);
        }

        return Sign(request, key);
    }

    /// <summary>The hash named by a csrattrs answer, if any.</summary>
    public static HashAlgorithmName? HashFrom(CsrAttributesInfo attributes) => attributes.Hash switch
    {
        "SHA-256" => HashAlgorithmName.SHA256,
        "SHA-384" => HashAlgorithmName.SHA384,
        "SHA-512" => HashAlgorithmName.SHA512,
        _ => null,
    };

    /// <summary>
    /// A CSR to renew <paramref name="current"/> (RFC 7030 §4.2.2): the same subject and subjectAltName,
    /// signed by <paramref name="key"/> (the current key, or a new one to rekey).
    /// </summary>
    public static byte[] BuildRenewal(AsymmetricAlgorithm key, X509Certificate2 current, HashAlgorithmName? hash = null)
    {
        var h = hash ?? KeySpec.Of(key).Hash;
        var request = key switch
        {
            ECDsa ec => new CertificateRequest(current.SubjectName, ec, h),
            RSA rsa => new CertificateRequest(current.SubjectName, rsa, h, RSASignaturePadding.Pkcs1),
            MlDsaKey mlDsa => MlDsaRequest(current.SubjectName, mlDsa),
            _ => throw new ArgumentException("ECDSA, RSA or ML-DSA key expected", nameof(key)),
        };
        foreach (var extension in current.Extensions)
        {
            if (extension.Oid?.Value == Estuary.Protocol.Asn1.Oids.SubjectAltName)
            {
                request.CertificateExtensions.Add(extension);
            }
        }

        return Sign(request, key);
    }

    /// <summary>
    /// A request for an ML-DSA key: the BCL builds the CertificationRequestInfo around the RFC 9881 public key, and the
    /// signature is pure ML-DSA with the empty context, AlgorithmIdentifier without parameters (RFC 9881 §3). The
    /// hash given to the builder is not used by ML-DSA.
    /// </summary>
    private static CertificateRequest MlDsaRequest(X500DistinguishedName subject, MlDsaKey key) =>
        new(subject, PublicKey.CreateFromSubjectPublicKeyInfo(key.Key.SubjectPublicKeyInfo, out _), HashAlgorithmName.SHA512);

    private static byte[] Sign(CertificateRequest request, AsymmetricAlgorithm key) => key is MlDsaKey mlDsa
        ? request.CreateSigningRequest(new Protocol.Crypto.MlDsaSignatureGenerator(mlDsa.Key))
        : request.CreateSigningRequest();
}
