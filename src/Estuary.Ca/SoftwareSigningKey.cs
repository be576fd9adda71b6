using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>A CA key held in memory (ECDSA, or RSA with PKCS#1 v1.5 signatures).</summary>
public sealed class SoftwareSigningKey : CaSigningKey
{
    private readonly AsymmetricAlgorithm _key;
    private readonly HashAlgorithmName _hash;
    private readonly byte[] _algorithmIdentifier;

    public SoftwareSigningKey(AsymmetricAlgorithm key, HashAlgorithmName hash)
    {
        if (key is not ECDsa and not RSA)
        {
            throw new ArgumentException("CA keys are ECDSA or RSA", nameof(key));
        }

        _key = key;
        _hash = hash;
        _algorithmIdentifier = EncodeAlgorithmIdentifier(SignatureOid(key, hash), nullParameters: key is RSA);
    }

    public override ReadOnlyMemory<byte> SignatureAlgorithm => _algorithmIdentifier;

    public AsymmetricAlgorithm Key => _key;

    public override byte[] Sign(ReadOnlySpan<byte> data) => _key switch
    {
        ECDsa ec => ec.SignData(data, _hash, DSASignatureFormat.Rfc3279DerSequence),
        RSA rsa => rsa.SignData(data.ToArray(), _hash, RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException(),
    };

    public override X509SignatureGenerator CreateSignatureGenerator() => _key switch
    {
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException(),
    };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _key.Dispose();
        }

        base.Dispose(disposing);
    }
}
