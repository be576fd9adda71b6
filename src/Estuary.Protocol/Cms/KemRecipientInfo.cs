using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Estuary.Protocol.Cms;

/// <summary>
/// CMS EnvelopedData (RFC 5652 §6) with one KEMRecipientInfo (RFC 9629) for an ML-KEM recipient, profiled by
/// RFC 9936. Bouncy Castle 2.7.0 has the ASN.1 class but no recipient generator, so the structure is written here:
/// <code>
/// RecipientInfo ::= CHOICE { ..., ori [4] OtherRecipientInfo }            -- RFC 5652 §6.2
/// OtherRecipientInfo ::= SEQUENCE { oriType id-ori-kem, oriValue KEMRecipientInfo }
/// KEMRecipientInfo ::= SEQUENCE {                                          -- RFC 9629 §3
///   version CMSVersion (0), rid RecipientIdentifier, kem KEMAlgorithmIdentifier, kemct OCTET STRING,
///   kdf KeyDerivationAlgorithmIdentifier, kekLength INTEGER (1..65535), ukm [0] EXPLICIT UserKeyingMaterial OPTIONAL,
///   wrap KeyEncryptionAlgorithmIdentifier, encryptedKey EncryptedKey }
/// CMSORIforKEMOtherInfo ::= SEQUENCE { wrap, kekLength, ukm [0] EXPLICIT OPTIONAL }   -- RFC 9629 §5, the HKDF info
/// </code>
/// Sending: ML-KEM encapsulation to the recipient's key, HKDF-SHA256 (id-alg-hkdf-with-sha256, RFC 8619, empty salt
/// as RFC 9936 §3 says) over the shared secret with the DER CMSORIforKEMOtherInfo as info, and AES key wrap (RFC 3394)
/// of a fresh AES-256 content-encryption key; the content is AES-256-CBC like Estuary's other EnvelopedData. RFC 9936
/// §3 makes AES-128 wrap the one every ML-KEM-512 recipient supports and AES-256 wrap the one for ML-KEM-768/1024,
/// so ML-KEM-512 gets id-aes128-wrap (kekLength 16), the others id-aes256-wrap (kekLength 32). No ukm is sent.
/// Receiving accepts HKDF with SHA-256/384/512, AES-128/192/256 wrap with a kekLength of the wrap key's size (RFC 9936
/// §3: "MUST confirm"), a ukm, and AES-CBC content.
/// </summary>
public static class KemRecipientInfo
{
    /// <summary>id-ori-kem (RFC 9629 §3).</summary>
    public const string OriKemOid = "1.2.840.113549.1.9.16.13.3";

    /// <summary>id-alg-hkdf-with-sha256 (RFC 8619 §2).</summary>
    public const string HkdfSha256Oid = "1.2.840.113549.1.9.16.3.28";

    public const string HkdfSha384Oid = "1.2.840.113549.1.9.16.3.29";

    public const string HkdfSha512Oid = "1.2.840.113549.1.9.16.3.30";

    /// <summary>id-aes128-wrap, id-aes192-wrap, id-aes256-wrap (RFC 3565 §4.3).</summary>
    public const string Aes128WrapOid = "2.16.840.1.101.3.4.1.5";

    public const string Aes192WrapOid = "2.16.840.1.101.3.4.1.25";

    public const string Aes256WrapOid = "2.16.840.1.101.3.4.1.45";

    private const string EnvelopedDataOid = "1.2.840.113549.1.7.3";

    private static readonly Asn1Tag OriTag = new(TagClass.ContextSpecific, 4, isConstructed: true);
    private static readonly Asn1Tag SubjectKeyIdentifierTag = new(TagClass.ContextSpecific, 0);
    private static readonly Asn1Tag UkmTag = new(TagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>
    /// EnvelopedData of <paramref name="content"/> (of type <paramref name="contentType"/>) for the holder of the ML-KEM
    /// key in <paramref name="recipientPublicKeyInfo"/>, named by <paramref name="subjectKeyIdentifier"/> (rid [0]).
    /// </summary>
    /// <exception cref="EstProtocolException">The SubjectPublicKeyInfo is not an ML-KEM key.</exception>
    public static byte[] Seal(ReadOnlySpan<byte> content, string contentType, ReadOnlySpan<byte> recipientPublicKeyInfo, ReadOnlySpan<byte> subjectKeyIdentifier)
    {
        var publicKey = MlKemKeys.ReadPublicKey(recipientPublicKeyInfo);
        var kemOid = MlKemKeys.OidOf(publicKey.Parameters);
        var (wrapOid, kekLength) = kemOid == Oids.MlKem512 ? (Aes128WrapOid, 16) : (Aes256WrapOid, 32);
        var wrap = Algorithm(wrapOid);
        var (kemct, secret) = MlKemKeys.Encapsulate(publicKey);
        var kek = DeriveKek(HashAlgorithmName.SHA256, secret, wrap, kekLength, ukm: null);
        var cek = RandomNumberGenerator.GetBytes(32);
        try
        {
            var encryptedKey = Rfc3394(kek, cek, wrap: true);
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(EnvelopedDataOid);
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
                using (writer.PushSequence())
                {
                    writer.WriteInteger(3); // RFC 5652 §6.1: version 3 when any RecipientInfo is ori
                    using (writer.PushSetOf())
                    using (writer.PushSequence(OriTag))
                    {
                        writer.WriteObjectIdentifier(OriKemOid);
                        using (writer.PushSequence())
                        {
                            writer.WriteInteger(0); // RFC 9629 §3: always 0
                            writer.WriteOctetString(subjectKeyIdentifier, SubjectKeyIdentifierTag);
                            writer.WriteEncodedValue(Algorithm(kemOid)); // RFC 9936 §3: parameters absent
                            writer.WriteOctetString(kemct);
                            writer.WriteEncodedValue(Algorithm(HkdfSha256Oid)); // RFC 9936 §3: parameters absent
                            writer.WriteInteger(kekLength);
                            writer.WriteEncodedValue(wrap);
                            writer.WriteOctetString(encryptedKey);
                        }
                    }

                    EncryptedContent.Write(writer, contentType, content, cek);
                }
            }

            return writer.Encode();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(kek);
            CryptographicOperations.ZeroMemory(cek);
        }
    }

    /// <summary>
    /// The content of <paramref name="envelopedData"/> if it has a KEMRecipientInfo for <paramref name="recipient"/>
    /// (rid = its subjectKeyIdentifier, or its issuer and serial number) whose kem is the parameter set of
    /// <paramref name="privateKey"/>; null when it has none.
    /// </summary>
    /// <exception cref="EstProtocolException">A KEMRecipientInfo for this key that is malformed, uses an algorithm not listed above, or does not decrypt.</exception>
    public static byte[]? TryOpen(byte[] envelopedData, X509Certificate2 recipient, MLKemPrivateKeyParameters privateKey)
    {
        try
        {
            return TryOpenCore(envelopedData, recipient, privateKey);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException or InvalidCipherTextException or ArgumentException)
        {
            throw new EstProtocolException("the KEMRecipientInfo cannot be opened with this ML-KEM key (RFC 9629): " + e.Message, e);
        }
    }

    private static byte[]? TryOpenCore(byte[] envelopedData, X509Certificate2 recipient, MLKemPrivateKeyParameters privateKey)
    {
        var ski = recipient.Extensions[Oids.SubjectKeyIdentifier] is X509SubjectKeyIdentifierExtension { SubjectKeyIdentifier: { } hex } ? Convert.FromHexString(hex) : null;
        var outer = new AsnReader(envelopedData, AsnEncodingRules.BER).ReadSequence();
        if (outer.ReadObjectIdentifier() != EnvelopedDataOid)
        {
            return null;
        }

        var enveloped = outer.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)).ReadSequence();
        _ = enveloped.ReadInteger();
        if (enveloped.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
        {
            _ = enveloped.ReadEncodedValue(); // originatorInfo
        }

        var ownKem = MlKemKeys.OidOf(privateKey.Parameters);
        var infos = enveloped.ReadSetOf();
        byte[]? cek = null;
        while (infos.HasData && cek is null)
        {
            if (!infos.PeekTag().HasSameClassAndValue(OriTag))
            {
                _ = infos.ReadEncodedValue();
                continue;
            }

            var ori = infos.ReadSequence(OriTag);
            if (ori.ReadObjectIdentifier() != OriKemOid)
            {
                continue;
            }

            var kemri = ori.ReadSequence();
            if (kemri.ReadInteger() != 0)
            {
                throw new EstProtocolException("KEMRecipientInfo version must be 0 (RFC 9629 §3)");
            }

            var rid = kemri.ReadEncodedValue();
            var kem = ReadAlgorithm(kemri);
            if (!RidMatches(rid, recipient, ski) || kem != ownKem)
            {
                continue;
            }

            var kemct = kemri.ReadOctetString();
            var hash = ReadAlgorithm(kemri) switch
            {
                HkdfSha256Oid => HashAlgorithmName.SHA256,
                HkdfSha384Oid => HashAlgorithmName.SHA384,
                HkdfSha512Oid => HashAlgorithmName.SHA512,
                var other => throw new EstProtocolException($"KEMRecipientInfo kdf {other} is not supported (HKDF-SHA256/384/512 are)"),
            };
            if (!kemri.TryReadInt32(out var kekLength))
            {
                throw new EstProtocolException("KEMRecipientInfo kekLength is out of range (RFC 9629 §3: 1..65535)");
            }

            byte[]? ukm = null;
            if (kemri.PeekTag().HasSameClassAndValue(UkmTag))
            {
                ukm = kemri.ReadSequence(UkmTag).ReadOctetString();
            }

            var wrap = kemri.ReadEncodedValue().ToArray();
            var wrapOid = new AsnReader(wrap, AsnEncodingRules.BER).ReadSequence().ReadObjectIdentifier();
            var wrapKeyLength = wrapOid switch
            {
                Aes128WrapOid => 16,
                Aes192WrapOid => 24,
                Aes256WrapOid => 32,
                _ => throw new EstProtocolException($"KEMRecipientInfo wrap {wrapOid} is not supported (AES key wrap is)"),
            };
            if (kekLength != wrapKeyLength)
            {
                // RFC 9936 §3: the recipient "MUST confirm that this value is consistent with the key size" of the wrap.
                throw new EstProtocolException($"KEMRecipientInfo kekLength {kekLength} does not fit {wrapOid}, whose key is {wrapKeyLength} bytes (RFC 9936 §3)");
            }

            var encryptedKey = kemri.ReadOctetString();
            kemri.ThrowIfNotEmpty();
            var secret = MlKemKeys.Decapsulate(privateKey, kemct);
            var kek = DeriveKek(hash, secret, wrap, kekLength, ukm);
            try
            {
                cek = Rfc3394(kek, encryptedKey, wrap: false);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
                CryptographicOperations.ZeroMemory(kek);
            }
        }

        if (cek is null)
        {
            return null;
        }

        try
        {
            return EncryptedContent.Read(enveloped, cek);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(cek);
        }
    }

    /// <summary>RFC 9629 §5: KEK = KDF(IKM = shared secret, L = kekLength, info = DER CMSORIforKEMOtherInfo); RFC 9936 §3: HKDF salt is empty.</summary>
    private static byte[] DeriveKek(HashAlgorithmName hash, byte[] secret, ReadOnlySpan<byte> wrap, int kekLength, byte[]? ukm)
    {
        var info = new AsnWriter(AsnEncodingRules.DER);
        using (info.PushSequence())
        {
            info.WriteEncodedValue(wrap);
            info.WriteInteger(kekLength);
            if (ukm is not null)
            {
                using (info.PushSequence(UkmTag))
                {
                    info.WriteOctetString(ukm);
                }
            }
        }

        return HKDF.DeriveKey(hash, secret, kekLength, salt: [], info: info.Encode());
    }

    private static bool RidMatches(ReadOnlyMemory<byte> rid, X509Certificate2 recipient, byte[]? ski)
    {
        var reader = new AsnReader(rid, AsnEncodingRules.BER);
        if (reader.PeekTag().HasSameClassAndValue(SubjectKeyIdentifierTag))
        {
            var id = reader.ReadOctetString(SubjectKeyIdentifierTag);
            return ski is not null && id.AsSpan().SequenceEqual(ski);
        }

        var ias = reader.ReadSequence(); // issuerAndSerialNumber
        var issuer = ias.ReadEncodedValue();
        var serial = ias.ReadIntegerBytes();
        return issuer.Span.SequenceEqual(recipient.IssuerName.RawData) && serial.Span.SequenceEqual(recipient.GetSerialNumber().Reverse().ToArray());
    }

    private static byte[] Algorithm(string oid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
        }

        return writer.Encode();
    }

    private static string ReadAlgorithm(AsnReader reader)
    {
        var algorithm = reader.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        if (algorithm.HasData)
        {
            // RFC 9936 §3: kem and HKDF AlgorithmIdentifiers carry no parameters.
            throw new EstProtocolException($"the AlgorithmIdentifier {oid} in the KEMRecipientInfo carries parameters, which RFC 9936 §3 forbids");
        }

        return oid;
    }

    /// <summary>AES key wrap (RFC 3394).</summary>
    private static byte[] Rfc3394(byte[] kek, byte[] input, bool wrap)
    {
        var engine = new Rfc3394WrapEngine(new AesEngine());
        engine.Init(wrap, new KeyParameter(kek));
        return wrap ? engine.Wrap(input, 0, input.Length) : engine.Unwrap(input, 0, input.Length);
    }
}
