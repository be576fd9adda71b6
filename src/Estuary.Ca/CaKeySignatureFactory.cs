using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;

namespace Estuary.Ca;

/// <summary>
/// Lets Bouncy Castle's generators (OCSP) sign with a <see cref="CaSigningKey"/> of any family: they stream the
/// to-be-signed bytes in, the key signs them and names its own AlgorithmIdentifier (for ML-DSA: the OID with
/// parameters absent, RFC 9881 §3). The key never leaves Estuary.Ca.
/// </summary>
public sealed class CaKeySignatureFactory(CaSigningKey key) : ISignatureFactory
{
    private readonly AlgorithmIdentifier _algorithm = AlgorithmIdentifier.GetInstance(key.SignatureAlgorithm.ToArray());

    public object AlgorithmDetails => _algorithm;

    public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(key);

    // A MemoryStream holds no unmanaged resource; Dispose is there for the analyzer, Bouncy Castle never calls it.
    private sealed class Calculator(CaSigningKey key) : IStreamCalculator<IBlockResult>, IDisposable
    {
        private readonly MemoryStream _buffer = new();

        public Stream Stream => _buffer;

        public IBlockResult GetResult() => new SimpleBlockResult(key.Sign(_buffer.ToArray()));

        public void Dispose() => _buffer.Dispose();
    }
}
