using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Security;

namespace Estuary.Protocol.Cmc;

/// <summary>
/// Signs CMC content (RFC 5272 §3.2: a PKIData or PKIResponse is the eContent of a CMS SignedData).
/// With a certificate the signer is named by issuer and serial and the certificate travels along; without
/// one (a request signed with the key being certified, RFC 5272 §3.2.1.3.2) by its subjectKeyIdentifier.
/// </summary>
public static class CmcSignedData
{
    /// <param name="contentType">id-cct-PKIData or id-cct-PKIResponse.</param>
    /// <param name="key">The signing key: ECDSA or RSA, exportable.</param>
    /// <param name="certificate">The signer's certificate, or null to name the signer by the key identifier.</param>
    public static byte[] Sign(string contentType, byte[] content, AsymmetricAlgorithm key, X509Certificate2? certificate, IEnumerable<ReadOnlyMemory<byte>> certificates)
    {
        var (bcKey, algorithm) = Convert(key);
        var factory = new Asn1SignatureFactory(algorithm, bcKey);
        var generator = new CmsSignedDataGenerator();
        var builder = new SignerInfoGeneratorBuilder();
        foreach (var extra in certificates)
        {
            generator.AddCertificate(new Org.BouncyCastle.X509.X509Certificate(extra.ToArray()));
        }

        if (certificate is not null)
        {
            var bcCertificate = new Org.BouncyCastle.X509.X509Certificate(certificate.RawData);
            generator.AddSignerInfoGenerator(builder.Build(factory, bcCertificate));
            generator.AddCertificate(bcCertificate);
        }
        else
        {
            generator.AddSignerInfoGenerator(builder.Build(factory, KeyIdentifier(key)));
        }

        var signed = generator.Generate(new CmsProcessableByteArray(new Org.BouncyCastle.Asn1.DerObjectIdentifier(contentType), content), encapsulate: true);
        return signed.GetEncoded("DER");
    }

    /// <summary>
    /// Signs with an ML-DSA key as RFC 9882 profiles it (pure ML-DSA, OID without parameters, SHA-512 messageDigest,
    /// signingTime among the signed attributes): see <see cref="Crypto.MlDsaSignedDataWriter"/>.
    /// </summary>
    /// <param name="certificate">The signer's certificate (DER), or null to name the signer by the key identifier.</param>
    public static byte[] Sign(string contentType, byte[] content, Crypto.MlDsaPrivateKey key, byte[]? certificate, IEnumerable<ReadOnlyMemory<byte>> certificates, DateTimeOffset signingTime) =>
        Crypto.MlDsaSignedDataWriter.Sign(contentType, content, key, certificate, certificates, signingTime);

    /// <summary>RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING.</summary>
    public static byte[] KeyIdentifier(AsymmetricAlgorithm key)
    {
        var spki = key switch
        {
            ECDsa ec => ec.ExportSubjectPublicKeyInfo(),
            RSA rsa => rsa.ExportSubjectPublicKeyInfo(),
            _ => throw new ArgumentException($"a CMC message is signed with ECDSA or RSA, not {key.GetType().Name}", nameof(key)),
        };
        var info = Org.BouncyCastle.Asn1.X509.SubjectPublicKeyInfo.GetInstance(spki);
#pragma warning disable CA5350 // SHA-1 is what RFC 5280 §4.2.1.2 names for key identifiers; it is not used for security here.
        return SHA1.HashData(info.PublicKey.GetBytes());
#pragma warning restore CA5350
    }

    private static (Org.BouncyCastle.Crypto.AsymmetricKeyParameter Key, string Algorithm) Convert(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => (PrivateKeyFactory.CreateKey(ec.ExportPkcs8PrivateKey()), ec.KeySize switch
        {
            384 => "SHA384WITHECDSA",
            521 => "SHA512WITHECDSA",
            _ => "SHA256WITHECDSA",
        }),
        RSA rsa => (PrivateKeyFactory.CreateKey(rsa.ExportPkcs8PrivateKey()), "SHA256WITHRSA"),
        _ => throw new ArgumentException($"a CMC message is signed with ECDSA or RSA, not {key.GetType().Name}", nameof(key)),
    };
}
