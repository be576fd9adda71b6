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
            _ => throw new CryptographicException($"no hash known for signature algorithm {oid}"),
        };
    }
}
