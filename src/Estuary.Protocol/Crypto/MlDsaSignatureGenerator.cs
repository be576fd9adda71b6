using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Protocol.Crypto;

/// <summary>
/// Lets the BCL's X.509 builders (CertificateRequest for CSRs and CA certificates, CertificateRevocationListBuilder
/// for CRLs) sign with an ML-DSA key: they write the to-be-signed bytes, this signs them and names the RFC 9881
/// AlgorithmIdentifier (OID, parameters absent). The hash they pass is ignored: pure ML-DSA hashes internally.
/// </summary>
public sealed class MlDsaSignatureGenerator(MlDsaPrivateKey key) : X509SignatureGenerator
{
    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => MlDsa.AlgorithmIdentifier(key.Oid);

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => key.Sign(data);

    protected override PublicKey BuildPublicKey() => PublicKey.CreateFromSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _);
}
