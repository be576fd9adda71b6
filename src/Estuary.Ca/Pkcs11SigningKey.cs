using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Estuary.Ca;

/// <summary>
/// A CA key inside a PKCS#11 token: it signs there and never leaves. ECDSA: the hash is computed here and
/// signed with CKM_ECDSA, whose raw r||s result (PKCS#11 v2.40 §2.3.1) becomes the DER Ecdsa-Sig-Value of
/// RFC 3279 §2.2.3. RSA: CKM_SHAxxx_RSA_PKCS, PKCS#1 v1.5 as RFC 4055 names it.
/// </summary>
public sealed class Pkcs11SigningKey : CaSigningKey
{
    private readonly Pkcs11Token _token;
    private readonly IObjectHandle _handle;
    private readonly HashAlgorithmName _hash;
    private readonly bool _ownsToken;
    private readonly bool _isEc;
    private readonly byte[] _algorithmIdentifier;

    internal Pkcs11SigningKey(Pkcs11Token token, IObjectHandle handle, PublicKey publicKey, HashAlgorithmName hash, bool ownsToken)
    {
        _token = token;
        _handle = handle;
        PublicKey = publicKey;
        _hash = hash;
        _ownsToken = ownsToken;
        _isEc = publicKey.GetECDsaPublicKey() is { } ec && DisposeAndTrue(ec);
        _algorithmIdentifier = AlgorithmIdentifier(hash);
    }

    public PublicKey PublicKey { get; }

    /// <summary>The session this key signs in (shared with the other CA keys of the token).</summary>
    public Pkcs11Token Token => _token;

    public HashAlgorithmName Hash => _hash;

    public override ReadOnlyMemory<byte> SignatureAlgorithm => _algorithmIdentifier;

    public override byte[] Sign(ReadOnlySpan<byte> data) => Sign(data.ToArray(), _hash);

    public override X509SignatureGenerator CreateSignatureGenerator() => new Generator(this);

    internal byte[] Sign(byte[] data, HashAlgorithmName hash)
    {
        if (_isEc)
        {
            var digest = CryptographicOperations.HashData(hash, data);
            return RawToDer(_token.Sign(_handle, CKM.CKM_ECDSA, digest));
        }

        var mechanism = hash.Name switch
        {
            "SHA256" => CKM.CKM_SHA256_RSA_PKCS,
            "SHA384" => CKM.CKM_SHA384_RSA_PKCS,
            "SHA512" => CKM.CKM_SHA512_RSA_PKCS,
            _ => throw new CryptographicException($"no PKCS#11 RSA mechanism for {hash.Name}"),
        };
        return _token.Sign(_handle, mechanism, data);
    }

    internal byte[] AlgorithmIdentifier(HashAlgorithmName hash)
    {
        using var ec = PublicKey.GetECDsaPublicKey();
        if (ec is not null)
        {
            return EncodeAlgorithmIdentifier(SignatureOid(ec, hash), nullParameters: false);
        }

        using var rsa = PublicKey.GetRSAPublicKey()!;
        return EncodeAlgorithmIdentifier(SignatureOid(rsa, hash), nullParameters: true);
    }

    /// <summary>r||s (two equal halves, big-endian) to SEQUENCE { INTEGER r, INTEGER s }.</summary>
    public static byte[] RawToDer(byte[] raw)
    {
        var half = raw.Length / 2;
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(Minimal(raw.AsSpan(0, half)));
            writer.WriteIntegerUnsigned(Minimal(raw.AsSpan(half)));
        }

        return writer.Encode();
    }

    // DER INTEGERs carry no redundant leading zero octets (X.690 §8.3.2).
    private static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> value)
    {
        var start = 0;
        while (start < value.Length - 1 && value[start] == 0)
        {
            start++;
        }

        return value[start..];
    }

    private static bool DisposeAndTrue(IDisposable d)
    {
        d.Dispose();
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsToken)
        {
            _token.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Lets the BCL builders (CA certificates, CRLs) sign through the token.</summary>
    private sealed class Generator(Pkcs11SigningKey key) : X509SignatureGenerator
    {
        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => key.AlgorithmIdentifier(hashAlgorithm);

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => key.Sign(data, hashAlgorithm);

        protected override PublicKey BuildPublicKey() => key.PublicKey;
    }
}
