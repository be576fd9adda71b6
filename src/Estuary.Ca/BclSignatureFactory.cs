using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;

namespace Estuary.Ca;

/// <summary>
/// Lets Bouncy Castle's OCSP generator sign with a BCL key: it streams the to-be-signed bytes in, the
/// BCL ECDSA key signs them (DER r,s as RFC 5480 §2.2 / RFC 3279 wants). No key material crosses over.
/// </summary>
public sealed class BclSignatureFactory : ISignatureFactory
{
    private readonly ECDsa _key;
    private readonly HashAlgorithmName _hash;
    private readonly AlgorithmIdentifier _algorithm;

    public BclSignatureFactory(ECDsa key, HashAlgorithmName hash)
    {
        _key = key;
        _hash = hash;
        _algorithm = AlgorithmIdentifier.GetInstance(CaSigningKey.EncodeAlgorithmIdentifier(CaSigningKey.SignatureOid(key, hash), nullParameters: false));
    }

    public object AlgorithmDetails => _algorithm;

    public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(this);

    // A MemoryStream holds no unmanaged resource; Dispose is there for the analyzer, Bouncy Castle never calls it.
    private sealed class Calculator(BclSignatureFactory owner) : IStreamCalculator<IBlockResult>, IDisposable
    {
        private readonly MemoryStream _buffer = new();

        public Stream Stream => _buffer;

        public IBlockResult GetResult() =>
            new SimpleBlockResult(owner._key.SignData(_buffer.ToArray(), owner._hash, DSASignatureFormat.Rfc3279DerSequence));

        public void Dispose() => _buffer.Dispose();
    }
}
