using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>
/// Lets the BCL's X.509 builders (CertificateRequest for CA certificates, CertificateRevocationListBuilder for CRLs)
/// sign with an ML-DSA key: they write the to-be-signed bytes, this signs them. The hash they pass is ignored,
/// since pure ML-DSA hashes internally and its AlgorithmIdentifier names no digest (RFC 9881 §3).
/// </summary>
internal sealed class MlDsaSignatureGenerator(MlDsaSigningKey key) : X509SignatureGenerator
{
    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => key.SignatureAlgorithm.ToArray();

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => key.Sign(data);

    protected override PublicKey BuildPublicKey() => PublicKey.CreateFromSubjectPublicKeyInfo(key.Key.SubjectPublicKeyInfo, out _);
}
