using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Crypto;

namespace Estuary.Ca;

/// <summary>
/// An ML-DSA CA key held in memory (RFC 9881): signs pure ML-DSA with the empty context; its AlgorithmIdentifier
/// is the parameter set's OID with the parameters absent (§2, §3), so certificates, CRLs and OCSP responses of an
/// ML-DSA hierarchy all carry that identifier. The math is Bouncy Castle's (the BCL's MLDsa needs OpenSSL 3.5).
/// </summary>
public sealed class MlDsaSigningKey : CaSigningKey
{
    private readonly byte[] _algorithmIdentifier;

    public MlDsaSigningKey(MlDsaPrivateKey key)
    {
        Key = key;
        _algorithmIdentifier = MlDsa.AlgorithmIdentifier(key.Oid);
    }

    public MlDsaPrivateKey Key { get; }

    public override ReadOnlyMemory<byte> SignatureAlgorithm => _algorithmIdentifier;

    public override byte[] Sign(ReadOnlySpan<byte> data) => Key.Sign(data);

    public override X509SignatureGenerator CreateSignatureGenerator() => new MlDsaSignatureGenerator(Key);

    /// <summary>A fresh key of <paramref name="algorithm"/> (ML-DSA-44/65/87).</summary>
    public static MlDsaSigningKey Generate(KeyAlgorithm algorithm) =>
        algorithm.Family == KeyFamily.MlDsa
            ? new MlDsaSigningKey(MlDsaPrivateKey.Generate(algorithm.Oid!))
            : throw new ArgumentException($"{algorithm} is not an ML-DSA key type", nameof(algorithm));
}
