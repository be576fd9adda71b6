using System.Formats.Asn1;
using System.Security.Cryptography;
using Estuary.Protocol.Asn1;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Estuary.Protocol.Crypto;

/// <summary>
/// An ML-DSA private key (FIPS 204) and its PKCS#8 form of RFC 9881 §6:
/// <code>
/// ML-DSA-PrivateKey ::= CHOICE {
///   seed        [0] IMPLICIT OCTET STRING (SIZE (32)),
///   expandedKey OCTET STRING,
///   both        SEQUENCE { seed OCTET STRING (SIZE (32)), expandedKey OCTET STRING } }
/// </code>
/// All three are read; a "both" whose halves disagree is refused (§6: the expanded key must be the one the seed
/// gives). The seed form is written whenever the seed is known: 32 octets instead of 2,560–4,896, and it is the
/// form RFC 9881 §6 recommends, since the expanded key can always be recomputed from it but not the other way.
/// </summary>
public sealed class MlDsaPrivateKey
{
    private readonly MLDsaPrivateKeyParameters _key;

    private MlDsaPrivateKey(string oid, MLDsaPrivateKeyParameters key)
    {
        Oid = oid;
        _key = key;
        PublicKey = key.GetPublicKeyEncoded();
    }

    /// <summary>id-ml-dsa-44/65/87.</summary>
    public string Oid { get; }

    /// <summary>The raw public key (what goes into the SubjectPublicKeyInfo BIT STRING).</summary>
    public byte[] PublicKey { get; }

    /// <summary>True when the 32-octet seed is known (generated here, or read from a seed or both form).</summary>
    public bool HasSeed => _key.GetSeed() is not null;

    /// <summary>The DER SubjectPublicKeyInfo (RFC 9881 §4).</summary>
    public byte[] SubjectPublicKeyInfo => MlDsa.SubjectPublicKeyInfo(Oid, PublicKey);

    /// <summary>A fresh key from the OS random generator.</summary>
    public static MlDsaPrivateKey Generate(string oid)
    {
        var generator = new MLDsaKeyPairGenerator();
        generator.Init(new MLDsaKeyGenerationParameters(new SecureRandom(), MlDsa.ParametersOf(oid)));
        return new MlDsaPrivateKey(oid, (MLDsaPrivateKeyParameters)generator.GenerateKeyPair().Private);
    }

    /// <summary>A pure ML-DSA signature with the empty context (RFC 9881 §3), hedged with fresh randomness (FIPS 204 §3.4).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signer = new MLDsaSigner(_key.Parameters, deterministic: false);
        signer.Init(true, new Org.BouncyCastle.Crypto.Parameters.ParametersWithRandom(_key, new SecureRandom()));
        signer.BlockUpdate(data);
        return signer.GenerateSignature();
    }

    /// <summary>The form this key is written in by <see cref="ExportPkcs8"/>.</summary>
    public string WrittenForm => HasSeed ? "seed" : "expandedKey";

    /// <summary>The PKCS#8 PrivateKeyInfo (RFC 5958) of this key: the seed form when the seed is known, else expandedKey.</summary>
    public byte[] ExportPkcs8()
    {
        var inner = new AsnWriter(AsnEncodingRules.DER);
        if (_key.GetSeed() is { } seed)
        {
            inner.WriteOctetString(seed, new Asn1Tag(TagClass.ContextSpecific, 0));
        }
        else
        {
            inner.WriteOctetString(_key.GetEncoded());
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            writer.WriteEncodedValue(MlDsa.AlgorithmIdentifier(Oid));
            writer.WriteOctetString(inner.Encode());
        }

        return writer.Encode();
    }

    /// <summary>True when <paramref name="pkcs8"/> is a PrivateKeyInfo whose algorithm is ML-DSA.</summary>
    public static bool IsMlDsaPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        try
        {
            var info = new AsnReader(pkcs8.ToArray(), AsnEncodingRules.DER).ReadSequence();
            info.ReadInteger();
            return MlDsa.IsMlDsa(info.ReadSequence().ReadObjectIdentifier());
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>Reads a PKCS#8 PrivateKeyInfo (v1 or v2 OneAsymmetricKey) holding any of the three RFC 9881 forms.</summary>
    /// <exception cref="CryptographicException">Not an ML-DSA key, a malformed one, or a "both" whose seed and expanded key disagree.</exception>
    public static MlDsaPrivateKey ImportPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        try
        {
            var outer = new AsnReader(pkcs8.ToArray(), AsnEncodingRules.DER);
            var info = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            if (!info.TryReadInt32(out var version) || version is not (0 or 1))
            {
                throw new CryptographicException("not a PKCS#8 PrivateKeyInfo (RFC 5958 §2: version 0 or 1)");
            }

            var algorithm = info.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            if (algorithm.HasData || !MlDsa.IsMlDsa(oid))
            {
                throw new CryptographicException("not an ML-DSA private key (RFC 9881 §6: the ML-DSA OID with absent parameters)");
            }

            var parameters = MlDsa.ParametersOf(oid);
            var choice = new AsnReader(info.ReadOctetString(), AsnEncodingRules.DER);
            var tag = choice.PeekTag();
            MLDsaPrivateKeyParameters key;
            if (tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                key = MLDsaPrivateKeyParameters.FromSeed(parameters, Seed(choice.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0))));
            }
            else if (tag.HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
            {
                key = MLDsaPrivateKeyParameters.FromEncoding(parameters, choice.ReadOctetString());
            }
            else
            {
                var both = choice.ReadSequence();
                var seed = Seed(both.ReadOctetString());
                var expanded = both.ReadOctetString();
                both.ThrowIfNotEmpty();
                key = MLDsaPrivateKeyParameters.FromSeed(parameters, seed, MLDsaPrivateKeyParameters.Format.SeedAndEncoding);
                if (!CryptographicOperations.FixedTimeEquals(key.GetEncoded(), expanded))
                {
                    throw new CryptographicException("the ML-DSA private key's seed and expandedKey do not match (RFC 9881 §6)");
                }
            }

            choice.ThrowIfNotEmpty();
            // The rest of OneAsymmetricKey (attributes, publicKey) is not needed: the public key is computed.
            return new MlDsaPrivateKey(oid, key);
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException("the ML-DSA private key is not valid DER (RFC 9881 §6)", e);
        }
        catch (ArgumentException e)
        {
            throw new CryptographicException("the ML-DSA private key has the wrong size for its parameter set (RFC 9881 §6)", e);
        }
    }

    private static byte[] Seed(byte[] seed) => seed.Length == 32
        ? seed
        : throw new CryptographicException("an ML-DSA seed is 32 octets (RFC 9881 §6)");
}
