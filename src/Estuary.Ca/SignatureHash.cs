using System.Formats.Asn1;
using System.Security.Cryptography;
using Estuary.Protocol.Asn1;

namespace Estuary.Ca;

/// <summary>The hash inside a signature AlgorithmIdentifier (RFC 5758, RFC 4055), for the BCL builders that ask for it.</summary>
public static class SignatureHash
{
    public static HashAlgorithmName Of(CaSigningKey key) => OfAlgorithmIdentifier(key.SignatureAlgorithm.Span);

    public static HashAlgorithmName OfAlgorithmIdentifier(ReadOnlySpan<byte> algorithmIdentifier)
    {
        var oid = new AsnReader(algorithmIdentifier.ToArray(), AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();
        return oid switch
        {
            Oids.EcdsaWithSha256 or Oids.Sha256WithRsa => HashAlgorithmName.SHA256,
            Oids.EcdsaWithSha384 or Oids.Sha384WithRsa => HashAlgorithmName.SHA384,
            Oids.EcdsaWithSha512 or Oids.Sha512WithRsa => HashAlgorithmName.SHA512,

            // Pure ML-DSA names no digest (RFC 9881 §3); the BCL builders still want one, which the ML-DSA
            // signature generator ignores. SHA-512 is the digest RFC 9882 §3 pairs with ML-DSA in CMS.
            Oids.MlDsa44 or Oids.MlDsa65 or Oids.MlDsa87 => HashAlgorithmName.SHA512,
            _ => throw new CryptographicException($"no hash known for signature algorithm {oid}"),
        };
    }
}
