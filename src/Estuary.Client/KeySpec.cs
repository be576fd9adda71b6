using System.Security.Cryptography;

namespace Estuary.Client;

/// <summary>
/// A key to generate on the device: ECDSA on a NIST curve, RSA of a size, or ML-DSA (RFC 9881) of a parameter set
/// ("P-256", "P-384", "P-521", "RSA-2048", "RSA-3072", "RSA-4096", "ML-DSA-44", "ML-DSA-65", "ML-DSA-87").
/// </summary>
public sealed record KeySpec(string Algorithm, int Size)
{
    public static KeySpec P256 { get; } = new("EC", 256);

    public string Name => Algorithm switch
    {
        "EC" => $"P-{Size}",
        MlDsaAlgorithm => $"ML-DSA-{Size}",
        "RSA" => $"RSA-{Size}",
        _ => $"{Algorithm}-{Size}",
    };

    private const string MlDsaAlgorithm = "ML-DSA";

    /// <summary>True for ML-DSA: a key the BCL cannot use for TLS on OpenSSL 3.0 (see docs/PQC.md).</summary>
    public bool IsMlDsa => Algorithm == MlDsaAlgorithm;

    /// <summary>The hash that matches the key's strength (RFC 5480 §4 for curves; SHA-256 for RSA).</summary>
    public HashAlgorithmName Hash => (Algorithm, Size) switch
    {
        ("EC", 384) => HashAlgorithmName.SHA384,
        ("EC", 521) => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    /// <exception cref="ArgumentException">Not a known key name.</exception>
    public static KeySpec Parse(string text)
    {
        var t = text.Trim().ToUpperInvariant().Replace("ECDSA-", "", StringComparison.Ordinal).Replace("SECP256R1", "P-256", StringComparison.Ordinal).Replace("SECP384R1", "P-384", StringComparison.Ordinal);
        return t switch
        {
            "P-256" or "P256" or "EC" or "ECDSA" => P256,
            "P-384" or "P384" => new("EC", 384),
            "P-521" or "P521" => new("EC", 521),
            "RSA" or "RSA-2048" or "RSA2048" => new("RSA", 2048),
            "RSA-3072" or "RSA3072" => new("RSA", 3072),
            "RSA-4096" or "RSA4096" => new("RSA", 4096),
            "ML-DSA-44" or "MLDSA44" => new(MlDsaAlgorithm, 44),
            "ML-DSA-65" or "MLDSA65" => new(MlDsaAlgorithm, 65),
            "ML-DSA-87" or "MLDSA87" => new(MlDsaAlgorithm, 87),
            _ => throw new ArgumentException($"unknown key type '{text}': use P-256, P-384, P-521, RSA-2048, RSA-3072, RSA-4096, ML-DSA-44, ML-DSA-65 or ML-DSA-87", nameof(text)),
        };
    }

    /// <summary>The key the server asks for in csrattrs (RFC 9908 §3), or null when it names none.</summary>
    public static KeySpec? FromCsrAttributes(CsrAttributesInfo attributes) => attributes.KeyAlgorithm switch
    {
        "EC" => attributes.Curve switch
        {
            "P-384" => new("EC", 384),
            "P-521" => new("EC", 521),
            _ => P256,
        },
        "RSA" => new("RSA", Math.Max(2048, attributes.RsaKeySize ?? 2048)),
        "ML-DSA-44" => new(MlDsaAlgorithm, 44),
        "ML-DSA-65" => new(MlDsaAlgorithm, 65),
        "ML-DSA-87" => new(MlDsaAlgorithm, 87),
        _ => null,
    };

    public AsymmetricAlgorithm Generate() => (Algorithm, Size) switch
    {
        ("EC", 384) => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        ("EC", 521) => ECDsa.Create(ECCurve.NamedCurves.nistP521),
        ("EC", _) => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        (MlDsaAlgorithm, 44) => new MlDsaKey(Protocol.Crypto.MlDsaPrivateKey.Generate(Protocol.Asn1.Oids.MlDsa44)),
        (MlDsaAlgorithm, 65) => new MlDsaKey(Protocol.Crypto.MlDsaPrivateKey.Generate(Protocol.Asn1.Oids.MlDsa65)),
        (MlDsaAlgorithm, _) => new MlDsaKey(Protocol.Crypto.MlDsaPrivateKey.Generate(Protocol.Asn1.Oids.MlDsa87)),
        _ => RSA.Create(Size),
    };

    /// <summary>The spec of an existing key.</summary>
    public static KeySpec Of(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => new("EC", ec.KeySize),
        RSA rsa => new("RSA", rsa.KeySize),
        MlDsaKey mlDsa => new(MlDsaAlgorithm, int.Parse(mlDsa.ParameterSet.AsSpan(7), System.Globalization.CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException("ECDSA, RSA or ML-DSA key expected", nameof(key)),
    };
}
