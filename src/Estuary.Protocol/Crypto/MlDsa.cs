using System.Formats.Asn1;
using Estuary.Protocol.Asn1;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Estuary.Protocol.Crypto;

/// <summary>
/// ML-DSA (FIPS 204) as RFC 9881 puts it in X.509: the AlgorithmIdentifier is the parameter set's OID with the
/// parameters absent (§2, §3), signatures are "pure" ML-DSA with the empty context string (§3). Verification runs
/// through Bouncy Castle: the BCL's MLDsa needs OpenSSL 3.5, Debian 12 has 3.0.
/// </summary>
public static class MlDsa
{
    /// <summary>True for the three ML-DSA OIDs (id-ml-dsa-44/65/87, RFC 9881 §2).</summary>
    public static bool IsMlDsa(string oid) => oid is Oids.MlDsa44 or Oids.MlDsa65 or Oids.MlDsa87;

    /// <summary>The Bouncy Castle parameter set of an ML-DSA OID.</summary>
    /// <exception cref="ArgumentException">Not an ML-DSA OID.</exception>
    public static MLDsaParameters ParametersOf(string oid) => oid switch
    {
        Oids.MlDsa44 => MLDsaParameters.ml_dsa_44,
        Oids.MlDsa65 => MLDsaParameters.ml_dsa_65,
        Oids.MlDsa87 => MLDsaParameters.ml_dsa_87,
        _ => throw new ArgumentException($"{oid} is not an ML-DSA algorithm", nameof(oid)),
    };

    /// <summary>The public key size in octets (FIPS 204 Table 2): a key of another size is refused before it is used.</summary>
    public static int PublicKeyLength(string oid) => oid switch
    {
        Oids.MlDsa44 => 1312,
        Oids.MlDsa65 => 1952,
        Oids.MlDsa87 => 2592,
        _ => 0,
    };

    /// <summary>The signature size in octets (FIPS 204 Table 2).</summary>
    public static int SignatureLength(string oid) => oid switch
    {
        Oids.MlDsa44 => 2420,
        Oids.MlDsa65 => 3309,
        Oids.MlDsa87 => 4627,
        _ => 0,
    };

    /// <summary>The DER AlgorithmIdentifier of RFC 9881 §2: the OID alone, parameters ABSENT (not NULL).</summary>
    public static byte[] AlgorithmIdentifier(string oid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
        }

        return writer.Encode();
    }

    /// <summary>
    /// Verifies a pure ML-DSA signature (empty context, RFC 9881 §3) by the key in <paramref name="subjectPublicKeyInfo"/>
    /// over <paramref name="data"/>, made with <paramref name="signatureAlgorithm"/> (which must be the key's own parameter set).
    /// False for a wrong signature, a key of the wrong size, parameters present, or a key/algorithm mismatch.
    /// </summary>
    public static bool Verify(string signatureAlgorithm, ReadOnlySpan<byte> subjectPublicKeyInfo, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (!TryReadPublicKey(subjectPublicKeyInfo, out var keyOid, out var key) || keyOid != signatureAlgorithm)
        {
            return false;
        }

        return VerifyRaw(keyOid, key, data, signature);
    }

    /// <summary>Verifies a pure ML-DSA signature (empty context) with a raw public key of the parameter set <paramref name="oid"/>.</summary>
    public static bool VerifyRaw(string oid, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (!IsMlDsa(oid) || publicKey.Length != PublicKeyLength(oid) || signature.Length != SignatureLength(oid))
        {
            return false;
        }

        var parameters = ParametersOf(oid);
        var verifier = new MLDsaSigner(parameters, deterministic: false);
        verifier.Init(false, MLDsaPublicKeyParameters.FromEncoding(parameters, publicKey.ToArray()));
        verifier.BlockUpdate(data);
        return verifier.VerifySignature(signature.ToArray());
    }

    /// <summary>Reads an ML-DSA SubjectPublicKeyInfo (RFC 9881 §4): the OID with absent parameters and the raw key.</summary>
    public static bool TryReadPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo, out string oid, out byte[] publicKey)
    {
        oid = "";
        publicKey = [];
        try
        {
            var spki = new AsnReader(subjectPublicKeyInfo.ToArray(), AsnEncodingRules.DER);
            var sequence = spki.ReadSequence();
            spki.ThrowIfNotEmpty();
            var algorithm = sequence.ReadSequence();
            var readOid = algorithm.ReadObjectIdentifier();
            if (algorithm.HasData || !IsMlDsa(readOid))
            {
                return false; // RFC 9881 §2: the parameters field MUST be absent
            }

            var key = sequence.ReadBitString(out var unused);
            sequence.ThrowIfNotEmpty();
            if (unused != 0 || key.Length != PublicKeyLength(readOid))
            {
                return false;
            }

            oid = readOid;
            publicKey = key;
            return true;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }

    /// <summary>The DER SubjectPublicKeyInfo of an ML-DSA public key (RFC 9881 §4).</summary>
    public static byte[] SubjectPublicKeyInfo(string oid, ReadOnlySpan<byte> publicKey)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(AlgorithmIdentifier(oid));
            writer.WriteBitString(publicKey);
        }

        return writer.Encode();
    }
}
