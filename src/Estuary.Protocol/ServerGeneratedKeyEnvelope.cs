using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Estuary.Protocol;

/// <summary>
/// The encrypted key part of a serverkeygen answer (RFC 7030 §4.4.2): "the private key is placed inside of a
/// CMS SignedData. The SignedData is signed by the party that generated the private key [...] The SignedData
/// is further protected by placing it inside of a CMS EnvelopedData, as described in Section 4 of [RFC5958]."
/// So the layers are EnvelopedData → SignedData → AsymmetricKeyPackage (RFC 5958 §2, one OneAsymmetricKey,
/// which is the PKCS#8 PrivateKeyInfo). The recipient is a KEK (kekri, version 4), an RSA key (ktri,
/// RSAES-OAEP), an EC key (kari, ephemeral-static ECDH, RFC 5753 §3.1) or an ML-KEM key (ori KEMRecipientInfo,
/// RFC 9629 / RFC 9936, <see cref="Cms.KemRecipientInfo"/>), identified by the key identifier the client sent. Bouncy Castle builds the CMS because the BCL's EnvelopedCms on Linux offers RSA ktri only.
/// </summary>
public static class ServerGeneratedKeyEnvelope
{
    /// <summary>id-ct-KP-aKeyPackage (RFC 5958 §2): the eContentType of the SignedData.</summary>
    public const string AsymmetricKeyPackageOid = "2.16.840.1.101.2.1.2.78.5";

    /// <summary>id-signedData (RFC 5652 §5.1): the content type inside the EnvelopedData.</summary>
    public const string SignedDataOid = "1.2.840.113549.1.7.2";

    private const string DataOid = "1.2.840.113549.1.7.1";

    /// <summary>
    /// SignedData over the AsymmetricKeyPackage holding <paramref name="pkcs8"/>, signed with
    /// <paramref name="signer"/> (which must hold an ECDSA or RSA private key); the signer certificate and
    /// <paramref name="chain"/> (its issuing CA) travel in the SignedData so the client can check it against /cacerts.
    /// </summary>
    public static byte[] SignKeyPackage(ReadOnlySpan<byte> pkcs8, X509Certificate2 signer, params IEnumerable<X509Certificate2> chain)
    {
        // AsymmetricKeyPackage ::= SEQUENCE SIZE (1..MAX) OF OneAsymmetricKey; PrivateKeyInfo is OneAsymmetricKey v1.
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(pkcs8);
        }

        var package = writer.Encode();
        try
        {
            var generator = new CmsSignedDataGenerator();
            var (key, algorithm) = SigningKey(signer);
            var bcSigner = new Org.BouncyCastle.X509.X509Certificate(signer.RawData);
            generator.AddSignerInfoGenerator(new SignerInfoGeneratorBuilder().Build(new Asn1SignatureFactory(algorithm, key), bcSigner));
            generator.AddCertificate(bcSigner);
            foreach (var certificate in chain)
            {
                generator.AddCertificate(new Org.BouncyCastle.X509.X509Certificate(certificate.RawData));
            }

            var signed = generator.Generate(new CmsProcessableByteArray(new DerObjectIdentifier(AsymmetricKeyPackageOid), package), encapsulate: true);
            return signed.GetEncoded("DER");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(package);
        }
    }

    /// <summary>
    /// The same AsymmetricKeyPackage SignedData signed with ML-DSA as RFC 9882 profiles it (<see cref="Crypto.MlDsaSignedDataWriter"/>):
    /// on a label whose hierarchy is ML-DSA, by that hierarchy's issuing CA (<paramref name="signerCertificate"/>), with its chain.
    /// </summary>
    public static byte[] SignKeyPackage(ReadOnlySpan<byte> pkcs8, Crypto.MlDsaPrivateKey key, byte[] signerCertificate, IEnumerable<ReadOnlyMemory<byte>> chain, DateTimeOffset signingTime)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(pkcs8);
        }

        var package = writer.Encode();
        try
        {
            return Crypto.MlDsaSignedDataWriter.Sign(AsymmetricKeyPackageOid, package, key, signerCertificate, chain, signingTime);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(package);
        }
    }

    /// <summary>
    /// EnvelopedData of <paramref name="signedData"/> for the holder of <paramref name="recipient"/>'s private key,
    /// identified by <paramref name="subjectKeyIdentifier"/> (RFC 7030 §4.4.2: "the rid is [...] the
    /// subjectKeyIdentifier copied from the attribute"). RSA: ktri with RSAES-OAEP SHA-256 (RFC 8017 §7.1, RFC 4055 §4);
    /// EC: kari with a fresh ephemeral key, dhSinglePass-stdDH-sha256kdf-scheme and AES-256 key wrap (RFC 5753 §3.1, §7.1.4);
    /// ML-KEM: KEMRecipientInfo with HKDF-SHA256 and AES key wrap (RFC 9629, RFC 9936 §3).
    /// </summary>
    /// <exception cref="NotSupportedException">The certificate's key is neither RSA, EC nor ML-KEM.</exception>
    public static byte[] EnvelopeForCertificate(byte[] signedData, X509Certificate2 recipient, byte[] subjectKeyIdentifier)
    {
        if (MlKemKeys.IsMlKem(recipient.PublicKey.Oid.Value))
        {
            return Cms.KemRecipientInfo.Seal(signedData, SignedDataOid, recipient.PublicKey.ExportSubjectPublicKeyInfo(), subjectKeyIdentifier);
        }

        var generator = new CmsEnvelopedDataGenerator(new SecureRandom());
        var publicKey = PublicKeyFactory.CreateKey(recipient.PublicKey.ExportSubjectPublicKeyInfo());
        switch (publicKey)
        {
            case RsaKeyParameters rsa:
                generator.AddRecipientInfoGenerator(new KeyTransRecipientInfoGenerator(
                    subjectKeyIdentifier,
                    new Asn1KeyWrapper("RSA/NONE/OAEPWITHSHA256ANDMGF1PADDING", rsa)));
                break;
            case ECPublicKeyParameters:
                return EcdhKeyAgreement.Seal(signedData, SignedDataOid, recipient, subjectKeyIdentifier);
            default:
                throw new NotSupportedException("the recipient certificate holds neither an RSA nor an EC key");
        }

        return Envelope(generator, signedData);
    }

    /// <summary>
    /// The archived form of a server-generated key: EnvelopedData of the PKCS#8 PrivateKeyInfo (content type id-data) to
    /// the archive certificate — RSA ktri by issuer and serial number with RSAES-OAEP, or EC kari by its
    /// subjectKeyIdentifier — so that `openssl cms -decrypt -recip archive.pem -inkey archive.key` gives the PKCS#8 back.
    /// </summary>
    /// <exception cref="NotSupportedException">The certificate's key is neither RSA nor EC, or an EC certificate lacks a subjectKeyIdentifier.</exception>
    public static byte[] EnvelopeForArchive(byte[] pkcs8, X509Certificate2 archive)
    {
        var publicKey = PublicKeyFactory.CreateKey(archive.PublicKey.ExportSubjectPublicKeyInfo());
        switch (publicKey)
        {
            case RsaKeyParameters rsa:
                var generator = new CmsEnvelopedDataGenerator(new SecureRandom());
                var certificate = new Org.BouncyCastle.X509.X509Certificate(archive.RawData);
                generator.AddRecipientInfoGenerator(new KeyTransRecipientInfoGenerator(certificate, new Asn1KeyWrapper("RSA/NONE/OAEPWITHSHA256ANDMGF1PADDING", rsa)));
                return generator.Generate(new CmsProcessableByteArray(pkcs8), new DerObjectIdentifier(CmsEnvelopedGenerator.Aes256Cbc)).GetEncoded();
            case ECPublicKeyParameters:
                var ski = archive.Extensions["2.5.29.14"] is X509SubjectKeyIdentifierExtension { SubjectKeyIdentifier: { } hex }
                    ? Convert.FromHexString(hex)
                    : throw new NotSupportedException("an EC archive certificate needs a subjectKeyIdentifier");
                return EcdhKeyAgreement.Seal(pkcs8, DataOid, archive, ski);
            default:
                throw new NotSupportedException("the archive certificate holds neither an RSA nor an EC key");
        }
    }

    /// <summary>
    /// EnvelopedData of <paramref name="signedData"/> under a key-encryption key both sides hold (RFC 7030 §4.4.2:
    /// kekri, version 4, kekid = the DecryptKeyIdentifier), wrapped with AES key wrap (RFC 3394) of the KEK's size.
    /// </summary>
    /// <exception cref="ArgumentException">The KEK is not 16, 24 or 32 bytes.</exception>
    public static byte[] EnvelopeForKek(byte[] signedData, byte[] keyIdentifier, byte[] kek)
    {
        var wrap = kek.Length switch
        {
            16 => CmsEnvelopedGenerator.Aes128Wrap,
            24 => CmsEnvelopedGenerator.Aes192Wrap,
            32 => CmsEnvelopedGenerator.Aes256Wrap,
            _ => throw new ArgumentException("a key-encryption key is an AES key of 16, 24 or 32 bytes", nameof(kek)),
        };
        var generator = new CmsEnvelopedDataGenerator(new SecureRandom());
        generator.AddKekRecipient("AES", new KeyParameter(kek), keyIdentifier);
        return Envelope(generator, signedData);
    }

    private static byte[] Envelope(CmsEnvelopedDataGenerator generator, byte[] signedData)
    {
        var enveloped = generator.Generate(new CmsProcessableByteArray(new DerObjectIdentifier(SignedDataOid), signedData), new DerObjectIdentifier(CmsEnvelopedGenerator.Aes256Cbc));
        return enveloped.GetEncoded();
    }

    /// <summary>
    /// The content of an EnvelopedData opened with the private key of <paramref name="recipient"/> (ktri or kari
    /// addressed to its subjectKeyIdentifier or issuer and serial number).
    /// </summary>
    /// <exception cref="EstProtocolException">Not an EnvelopedData, no RecipientInfo for this key, or it does not decrypt.</exception>
    public static byte[] OpenWithPrivateKey(byte[] envelopedData, X509Certificate2 recipient)
    {
        using (var ec = recipient.GetECDiffieHellmanPrivateKey())
        {
            if (ec is not null)
            {
                try
                {
                    return EcdhKeyAgreement.TryOpen(envelopedData, recipient, ec)
                        ?? throw new EstProtocolException("the EnvelopedData has no kari for this EC key (RFC 7030 §4.4.2)");
                }
                catch (Exception e) when (e is AsnContentException or CryptographicException or Org.BouncyCastle.Crypto.InvalidCipherTextException)
                {
                    throw new EstProtocolException("the encrypted key part cannot be opened with this key: " + e.Message, e);
                }
            }
        }

        var bcCertificate = new Org.BouncyCastle.X509.X509Certificate(recipient.RawData);
        var privateKey = PrivateKeyFactory.CreateKey(ExportPkcs8(recipient));
        return Open(envelopedData, info => info is KeyTransRecipientInformation && info.RecipientID.Match(bcCertificate), privateKey);
    }

    /// <summary>
    /// The content of an EnvelopedData opened with the ML-KEM private key <paramref name="pkcs8"/> (any RFC 9935 form) of
    /// <paramref name="recipient"/>: a KEMRecipientInfo addressed to its subjectKeyIdentifier or issuer and serial number.
    /// </summary>
    /// <exception cref="EstProtocolException">Not an EnvelopedData, no KEMRecipientInfo for this key, or it does not decrypt.</exception>
    public static byte[] OpenWithMlKemKey(byte[] envelopedData, X509Certificate2 recipient, byte[] pkcs8)
    {
        var key = MlKemKeys.ReadPrivateKey(pkcs8, out _);
        return Cms.KemRecipientInfo.TryOpen(envelopedData, recipient, key)
            ?? throw new EstProtocolException("the EnvelopedData has no KEMRecipientInfo for this ML-KEM key (RFC 7030 §4.4.2, RFC 9629)");
    }

    /// <summary>The content of an EnvelopedData opened with a key-encryption key (kekri with this kekid).</summary>
    /// <exception cref="EstProtocolException">Not an EnvelopedData, no kekri for this identifier, or it does not decrypt.</exception>
    public static byte[] OpenWithKek(byte[] envelopedData, byte[] keyIdentifier, byte[] kek) =>
        Open(envelopedData, info => info is KekRecipientInformation && info.RecipientID.KeyIdentifier is { } id && id.AsSpan().SequenceEqual(keyIdentifier), new KeyParameter(kek));

    /// <summary>
    /// The PKCS#8 key of a SignedData AsymmetricKeyPackage, after verifying its signature; <paramref name="signer"/>
    /// is the certificate that signed (to be checked against the EST CA by the caller).
    /// </summary>
    /// <exception cref="EstProtocolException">Not a signed AsymmetricKeyPackage with exactly one key, or a bad signature.</exception>
    /// <summary>EC/RSA through Bouncy Castle; ML-DSA (an ML-DSA label's key package, RFC 9882) through the one ML-DSA SignedData verifier.</summary>
    private static bool VerifiesKeyPackage(SignerInformation signerInfo, Org.BouncyCastle.X509.X509Certificate certificate, byte[] content)
    {
        if (!Crypto.MlDsaSignedData.IsMlDsaSigner(signerInfo.SignerInfo))
        {
            return signerInfo.Verify(certificate);
        }

        try
        {
            Crypto.MlDsaSignedData.VerifySignerInfo(signerInfo.SignerInfo, AsymmetricKeyPackageOid, content, certificate.CertificateStructure.SubjectPublicKeyInfo.GetEncoded(Asn1Encodable.Der));
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public static byte[] ReadKeyPackage(byte[] signedData, out X509Certificate2 signer)
    {
        try
        {
            var signed = new CmsSignedData(signedData);
            if (signed.SignedContentType.Id != AsymmetricKeyPackageOid)
            {
                throw new EstProtocolException($"the SignedData holds {signed.SignedContentType.Id}, not an AsymmetricKeyPackage (RFC 5958 §2, RFC 7030 §4.4.2)");
            }

            var signerInfo = signed.GetSignerInfos().GetSigners().SingleOrDefault()
                ?? throw new EstProtocolException("the key package SignedData must have exactly one signer (RFC 7030 §4.4.2)");
            var certificate = signed.GetCertificates().EnumerateMatches(signerInfo.SignerID).FirstOrDefault()
                ?? throw new EstProtocolException("the key package SignedData lacks the certificate of its signer");
            var encapsulated = Org.BouncyCastle.Asn1.Cms.SignedData.GetInstance(signed.ContentInfo.Content).EncapContentInfo.Content
                ?? throw new EstProtocolException("the key package SignedData carries no content");
            var content = Asn1OctetString.GetInstance(encapsulated).GetOctets();
            if (!VerifiesKeyPackage(signerInfo, certificate, content))
            {
                throw new EstProtocolException("the signature of the key package SignedData does not verify");
            }

            var reader = new AsnReader(content, AsnEncodingRules.DER);
            var package = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var key = package.ReadEncodedValue().ToArray();
            if (package.HasData)
            {
                throw new EstProtocolException("the AsymmetricKeyPackage holds more than one key; serverkeygen returns one (RFC 7030 §4.4.2)");
            }

            CryptographicOperations.ZeroMemory(content);
            signer = X509CertificateLoader.LoadCertificate(certificate.GetEncoded());
            return key;
        }
        catch (Exception e) when (e is CmsException or AsnContentException or ArgumentException or InvalidCastException or IOException or Org.BouncyCastle.Security.Certificates.CertificateException)
        {
            throw new EstProtocolException("the key part is not a signed AsymmetricKeyPackage (RFC 7030 §4.4.2): " + e.Message, e);
        }
    }

    private static byte[] Open(byte[] envelopedData, Func<RecipientInformation, bool> mine, Org.BouncyCastle.Crypto.ICipherParameters key)
    {
        try
        {
            var enveloped = new CmsEnvelopedData(envelopedData);
            var recipient = enveloped.GetRecipientInfos().GetRecipients().FirstOrDefault(mine)
                ?? throw new EstProtocolException("the EnvelopedData has no RecipientInfo for this key (RFC 7030 §4.4.2)");
            return recipient.GetContent(key);
        }
        catch (Exception e) when (e is CmsException or ArgumentException or InvalidCastException or IOException or InvalidOperationException or Org.BouncyCastle.Crypto.InvalidCipherTextException)
        {
            throw new EstProtocolException("the encrypted key part cannot be opened with this key: " + e.Message, e);
        }
    }

    private static byte[] ExportPkcs8(X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPrivateKey();
        if (rsa is not null)
        {
            return rsa.ExportPkcs8PrivateKey();
        }

        throw new EstProtocolException("the decryption certificate has no RSA or EC private key");
    }

    private static (Org.BouncyCastle.Crypto.AsymmetricKeyParameter Key, string Algorithm) SigningKey(X509Certificate2 signer)
    {
        using var ec = signer.GetECDsaPrivateKey();
        if (ec is not null)
        {
            return (PrivateKeyFactory.CreateKey(ec.ExportPkcs8PrivateKey()), "SHA256WITHECDSA");
        }

        using var rsa = signer.GetRSAPrivateKey() ?? throw new InvalidOperationException("the key package signing certificate has no ECDSA or RSA private key");
        return (PrivateKeyFactory.CreateKey(rsa.ExportPkcs8PrivateKey()), "SHA256WITHRSA");
    }
}
