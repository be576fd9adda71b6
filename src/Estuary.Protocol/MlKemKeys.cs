using System.Formats.Asn1;
using System.Security.Cryptography;
using Estuary.Protocol.Asn1;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Estuary.Protocol;

/// <summary>The three PKCS#8 forms of an ML-KEM private key (RFC 9935 §6, ML-KEM-PrivateKey CHOICE).</summary>
public enum MlKemPrivateKeyForm
{
    /// <summary>seed [0] IMPLICIT OCTET STRING (SIZE (64)): d ‖ z of FIPS 203 ML-KEM.KeyGen_internal; RFC 9935 recommends it.</summary>
    Seed,

    /// <summary>expandedKey OCTET STRING: the FIPS 203 decapsulation key dk.</summary>
    ExpandedKey,

    /// <summary>both SEQUENCE { seed, expandedKey }: a reader must check that the two agree (RFC 9935 §6).</summary>
    Both,
}

/// <summary>
/// ML-KEM keys (FIPS 203) in their X.509 and PKCS#8 encodings (RFC 9935): the SubjectPublicKeyInfo is the
/// id-alg-ml-kem-* OID with parameters absent and the encapsulation key as the BIT STRING (§4); the private key is
/// one of three forms (§6). Parsing is DER with System.Formats.Asn1, trailing data refused; the lattice arithmetic
/// (key generation, encapsulation, decapsulation) is Bouncy Castle's, since the BCL's MLKem needs OpenSSL ≥ 3.5.
/// Estuary writes the seed form: it is the smallest and RFC 9935 §6 recommends it; it reads all three.
/// </summary>
public static class MlKemKeys
{
    /// <summary>d ‖ z, 32 bytes each (FIPS 203 §7.1).</summary>
    public const int SeedLength = 64;

    private static readonly Asn1Tag SeedTag = new(TagClass.ContextSpecific, 0);

    /// <summary>True for id-alg-ml-kem-512, -768 and -1024.</summary>
    public static bool IsMlKem(string? oid) => oid is Oids.MlKem512 or Oids.MlKem768 or Oids.MlKem1024;

    /// <summary>The parameter set of an ML-KEM OID.</summary>
    /// <exception cref="EstProtocolException">Not an ML-KEM OID.</exception>
    public static MLKemParameters ParametersOf(string oid) => oid switch
    {
        Oids.MlKem512 => MLKemParameters.ml_kem_512,
        Oids.MlKem768 => MLKemParameters.ml_kem_768,
        Oids.MlKem1024 => MLKemParameters.ml_kem_1024,
        _ => throw new EstProtocolException($"{oid} is not an ML-KEM algorithm (RFC 9935 §3)"),
    };

    /// <summary>The OID of a parameter set.</summary>
    public static string OidOf(MLKemParameters parameters) =>
        parameters == MLKemParameters.ml_kem_512 ? Oids.MlKem512
        : parameters == MLKemParameters.ml_kem_768 ? Oids.MlKem768
        : parameters == MLKemParameters.ml_kem_1024 ? Oids.MlKem1024
        : throw new ArgumentException("unknown ML-KEM parameter set", nameof(parameters));

    /// <summary>512, 768 or 1024: the number in the parameter set's name.</summary>
    public static int SizeOf(MLKemParameters parameters) => 256 * Rank(parameters);

    /// <summary>A new key pair of the parameter set <paramref name="oid"/>: its SubjectPublicKeyInfo and its PKCS#8 (seed form).</summary>
    public static (byte[] SubjectPublicKeyInfo, byte[] Pkcs8) Generate(string oid)
    {
        var generator = new MLKemKeyPairGenerator();
        generator.Init(new MLKemKeyGenerationParameters(new SecureRandom(), ParametersOf(oid)));
        var pair = generator.GenerateKeyPair();
        var key = (MLKemPrivateKeyParameters)pair.Private;
        return (WritePublicKey((MLKemPublicKeyParameters)pair.Public), WritePrivateKey(key, MlKemPrivateKeyForm.Seed));
    }

    /// <summary>SubjectPublicKeyInfo (RFC 9935 §4): AlgorithmIdentifier with parameters absent, the encapsulation key as the BIT STRING.</summary>
    public static byte[] WritePublicKey(MLKemPublicKeyParameters key)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            WriteAlgorithm(writer, OidOf(key.Parameters));
            writer.WriteBitString(key.GetEncoded());
        }

        return writer.Encode();
    }

    /// <summary>Reads an ML-KEM SubjectPublicKeyInfo.</summary>
    /// <exception cref="EstProtocolException">Not ML-KEM, parameters present, a key of the wrong length, or not DER.</exception>
    public static MLKemPublicKeyParameters ReadPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        try
        {
            var reader = new AsnReader(subjectPublicKeyInfo.ToArray(), AsnEncodingRules.DER);
            var spki = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var oid = ReadAlgorithm(spki);
            var key = spki.ReadBitString(out var unused);
            spki.ThrowIfNotEmpty();
            var parameters = ParametersOf(oid);
            if (unused != 0 || key.Length != PublicKeyLength(parameters))
            {
                throw new EstProtocolException($"the {parameters.Name} public key must be {PublicKeyLength(parameters)} bytes (FIPS 203 §8)");
            }

            return MLKemPublicKeyParameters.FromEncoding(parameters, key);
        }
        catch (Exception e) when (e is AsnContentException or ArgumentException)
        {
            throw new EstProtocolException("the ML-KEM SubjectPublicKeyInfo is malformed (RFC 9935 §4): " + e.Message, e);
        }
    }

    /// <summary>PKCS#8 PrivateKeyInfo (RFC 5958) holding <paramref name="key"/> in the form asked for (RFC 9935 §6).</summary>
    public static byte[] WritePrivateKey(MLKemPrivateKeyParameters key, MlKemPrivateKeyForm form)
    {
        var seed = key.GetSeed();
        var expanded = key.GetEncoded();
        try
        {
            if (seed is null && form != MlKemPrivateKeyForm.ExpandedKey)
            {
                throw new ArgumentException("this ML-KEM key was read without its seed; only the expandedKey form can be written", nameof(form));
            }

            var inner = new AsnWriter(AsnEncodingRules.DER);
            switch (form)
            {
                case MlKemPrivateKeyForm.Seed:
                    inner.WriteOctetString(seed, SeedTag);
                    break;
                case MlKemPrivateKeyForm.ExpandedKey:
                    inner.WriteOctetString(expanded);
                    break;
                default:
                    using (inner.PushSequence())
                    {
                        inner.WriteOctetString(seed);
                        inner.WriteOctetString(expanded);
                    }

                    break;
            }

            var privateKey = inner.Encode();
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteInteger(0);
                WriteAlgorithm(writer, OidOf(key.Parameters));
                writer.WriteOctetString(privateKey);
            }

            CryptographicOperations.ZeroMemory(privateKey);
            return writer.Encode();
        }
        finally
        {
            if (seed is not null)
            {
                CryptographicOperations.ZeroMemory(seed);
            }

            CryptographicOperations.ZeroMemory(expanded);
        }
    }

    /// <summary>True when <paramref name="pkcs8"/> is a PrivateKeyInfo whose algorithm is ML-KEM (nothing else is checked).</summary>
    public static bool IsMlKemPrivateKey(ReadOnlySpan<byte> pkcs8)
    {
        try
        {
            var info = new AsnReader(pkcs8.ToArray(), AsnEncodingRules.DER).ReadSequence();
            _ = info.ReadInteger();
            return IsMlKem(info.ReadSequence().ReadObjectIdentifier());
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>Reads an ML-KEM PKCS#8 key in any of the three forms of RFC 9935 §6.</summary>
    /// <exception cref="EstProtocolException">Not ML-KEM, a seed or key of the wrong length, a "both" whose halves disagree, or not DER.</exception>
    public static MLKemPrivateKeyParameters ReadPrivateKey(ReadOnlySpan<byte> pkcs8, out MlKemPrivateKeyForm form)
    {
        byte[]? privateKey = null;
        try
        {
            var reader = new AsnReader(pkcs8.ToArray(), AsnEncodingRules.DER);
            var info = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            var version = info.ReadInteger();
            if (version > 1)
            {
                throw new EstProtocolException($"PrivateKeyInfo version {version} is unknown (RFC 5958 §2)");
            }

            var parameters = ParametersOf(ReadAlgorithm(info));
            privateKey = info.ReadOctetString();
            // RFC 5958 OneAsymmetricKey may go on with attributes [0] and publicKey [1]; neither changes the key.
            var inner = new AsnReader(privateKey, AsnEncodingRules.DER);
            MLKemPrivateKeyParameters key;
            var tag = inner.PeekTag();
            if (tag.HasSameClassAndValue(SeedTag))
            {
                form = MlKemPrivateKeyForm.Seed;
                key = FromSeed(parameters, inner.ReadOctetString(SeedTag));
            }
            else if (tag.HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
            {
                form = MlKemPrivateKeyForm.ExpandedKey;
                key = FromExpanded(parameters, inner.ReadOctetString());
            }
            else
            {
                form = MlKemPrivateKeyForm.Both;
                var both = inner.ReadSequence();
                var seed = both.ReadOctetString();
                var expanded = both.ReadOctetString();
                both.ThrowIfNotEmpty();
                key = FromSeed(parameters, seed);
                var derived = key.GetEncoded();
                var agree = CryptographicOperations.FixedTimeEquals(derived, expanded);
                CryptographicOperations.ZeroMemory(derived);
                CryptographicOperations.ZeroMemory(seed);
                CryptographicOperations.ZeroMemory(expanded);
                if (!agree)
                {
                    throw new EstProtocolException("the ML-KEM private key holds a seed and an expandedKey that do not agree (RFC 9935 §6)");
                }
            }

            inner.ThrowIfNotEmpty();
            return key;
        }
        catch (Exception e) when (e is AsnContentException or ArgumentException or InvalidOperationException)
        {
            throw new EstProtocolException("the ML-KEM private key is malformed (RFC 9935 §6): " + e.Message, e);
        }
        finally
        {
            if (privateKey is not null)
            {
                CryptographicOperations.ZeroMemory(privateKey);
            }
        }
    }

    /// <summary>The SubjectPublicKeyInfo that belongs to an ML-KEM PKCS#8 key.</summary>
    /// <exception cref="EstProtocolException">The key is not a readable ML-KEM key.</exception>
    public static byte[] PublicKeyInfoOf(ReadOnlySpan<byte> pkcs8) => WritePublicKey(ReadPrivateKey(pkcs8, out _).GetPublicKey());

    /// <summary>ML-KEM.Encaps (FIPS 203 §7.2): a fresh ciphertext for <paramref name="key"/> and the 32-byte shared secret.</summary>
    public static (byte[] Ciphertext, byte[] SharedSecret) Encapsulate(MLKemPublicKeyParameters key)
    {
        var encapsulator = new MLKemEncapsulator(key.Parameters);
        encapsulator.Init(new ParametersWithRandom(key, new SecureRandom()));
        var ciphertext = new byte[encapsulator.EncapsulationLength];
        var secret = new byte[encapsulator.SecretLength];
        encapsulator.Encapsulate(ciphertext, secret);
        return (ciphertext, secret);
    }

    /// <summary>ML-KEM.Decaps (FIPS 203 §7.3): the shared secret of <paramref name="ciphertext"/>.</summary>
    /// <exception cref="EstProtocolException">The ciphertext is not of this parameter set's length.</exception>
    public static byte[] Decapsulate(MLKemPrivateKeyParameters key, ReadOnlySpan<byte> ciphertext)
    {
        var decapsulator = new MLKemDecapsulator(key.Parameters);
        decapsulator.Init(key);
        if (ciphertext.Length != decapsulator.EncapsulationLength)
        {
            throw new EstProtocolException($"an {key.Parameters.Name} ciphertext is {decapsulator.EncapsulationLength} bytes, not {ciphertext.Length} (FIPS 203 §7.3)");
        }

        var secret = new byte[decapsulator.SecretLength];
        decapsulator.Decapsulate(ciphertext, secret);
        return secret;
    }

    /// <summary>The encapsulation key's length (FIPS 203 §8: 384·k + 32 bytes).</summary>
    private static int PublicKeyLength(MLKemParameters parameters) => (384 * Rank(parameters)) + 32;

    /// <summary>The decapsulation key's length (FIPS 203 §8: 768·k + 96 bytes).</summary>
    private static int ExpandedKeyLength(MLKemParameters parameters) => (768 * Rank(parameters)) + 96;

    private static int Rank(MLKemParameters parameters) =>
        parameters == MLKemParameters.ml_kem_512 ? 2 : parameters == MLKemParameters.ml_kem_768 ? 3 : 4;

    private static MLKemPrivateKeyParameters FromSeed(MLKemParameters parameters, byte[] seed)
    {
        if (seed.Length != SeedLength)
        {
            throw new EstProtocolException($"an ML-KEM seed is {SeedLength} bytes, not {seed.Length} (RFC 9935 §6)");
        }

        return MLKemPrivateKeyParameters.FromSeed(parameters, seed, MLKemPrivateKeyParameters.Format.SeedOnly);
    }

    private static MLKemPrivateKeyParameters FromExpanded(MLKemParameters parameters, byte[] expanded)
    {
        if (expanded.Length != ExpandedKeyLength(parameters))
        {
            throw new EstProtocolException($"an {parameters.Name} expandedKey is {ExpandedKeyLength(parameters)} bytes, not {expanded.Length} (RFC 9935 §6)");
        }

        // FIPS 203 §7.3 input check: the hash of the embedded encapsulation key must match the one stored beside it.
        var k = Rank(parameters);
        var ek = expanded.AsSpan(384 * k, (384 * k) + 32);
        var h = expanded.AsSpan((768 * k) + 32, 32);
        if (!CryptographicOperations.FixedTimeEquals(SHA3_256Of(ek), h))
        {
            throw new EstProtocolException($"the {parameters.Name} expandedKey fails the FIPS 203 §7.3 hash check");
        }

        return MLKemPrivateKeyParameters.FromEncoding(parameters, expanded);
    }

    private static byte[] SHA3_256Of(ReadOnlySpan<byte> data)
    {
        var digest = new Org.BouncyCastle.Crypto.Digests.Sha3Digest(256);
        digest.BlockUpdate(data);
        var output = new byte[32];
        digest.DoFinal(output);
        return output;
    }

    private static void WriteAlgorithm(AsnWriter writer, string oid)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid); // RFC 9935 §3: parameters MUST be absent
        }
    }

    private static string ReadAlgorithm(AsnReader reader)
    {
        var algorithm = reader.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        if (algorithm.HasData)
        {
            throw new EstProtocolException($"the AlgorithmIdentifier of {oid} carries parameters; RFC 9935 §3 says they MUST be absent");
        }

        return oid;
    }
}
