using System.Security.Cryptography;
using Estuary.Protocol.Crypto;

namespace Estuary.Client;

/// <summary>
/// An ML-DSA private key (RFC 9881) where the client carries keys as <see cref="AsymmetricAlgorithm"/>: it exports
/// PKCS#8 in the RFC 9881 seed form (see <see cref="MlDsaPrivateKey"/>) and signs CSRs through Bouncy Castle, since
/// the BCL's MLDsa needs OpenSSL 3.5 and Debian 12 has 3.0.
/// </summary>
public sealed class MlDsaKey : AsymmetricAlgorithm
{
    public MlDsaKey(MlDsaPrivateKey key)
    {
        Key = key;
        KeySizeValue = key.PublicKey.Length * 8;
        LegalKeySizesValue = [new KeySizes(KeySizeValue, KeySizeValue, 0)];
    }

    public MlDsaPrivateKey Key { get; }

    /// <summary>"ML-DSA-44", "ML-DSA-65" or "ML-DSA-87".</summary>
    public string ParameterSet => new Protocol.PublicKeyKind(Key.Oid, null, 0).Name;

    public override string? SignatureAlgorithm => ParameterSet;

    public override string? KeyExchangeAlgorithm => null;

    public override byte[] ExportPkcs8PrivateKey() => Key.ExportPkcs8();

    public override bool TryExportPkcs8PrivateKey(Span<byte> destination, out int bytesWritten)
    {
        var pkcs8 = Key.ExportPkcs8();
        bytesWritten = pkcs8.Length <= destination.Length ? pkcs8.Length : 0;
        return pkcs8.AsSpan().TryCopyTo(destination);
    }

    public override byte[] ExportSubjectPublicKeyInfo() => Key.SubjectPublicKeyInfo;
}
