using System.Security.Cryptography;

namespace Estuary.Ca;

/// <summary>A key type by its configuration name: P-256, P-384, P-521, RSA-2048, RSA-3072, RSA-4096.</summary>
public sealed record KeyAlgorithm(string Name, ECCurve? Curve, int RsaBits)
{
    public static readonly KeyAlgorithm P256 = new("P-256", ECCurve.NamedCurves.nistP256, 0);
    public static readonly KeyAlgorithm P384 = new("P-384", ECCurve.NamedCurves.nistP384, 0);
    public static readonly KeyAlgorithm P521 = new("P-521", ECCurve.NamedCurves.nistP521, 0);

    public bool IsEc => Curve is not null;

    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static KeyAlgorithm Parse(string name)
    {
        var n = name.Trim().ToUpperInvariant();
        switch (n)
        {
            case "P-256" or "P256" or "ECDSA-P256" or "SECP256R1":
                return P256;
            case "P-384" or "P384" or "ECDSA-P384" or "SECP384R1":
                return P384;
            case "P-521" or "P521" or "ECDSA-P521" or "SECP521R1":
                return P521;
        }

        if (n.StartsWith("RSA-", StringComparison.Ordinal) && int.TryParse(n.AsSpan(4), out var bits) && bits is >= 2048 and <= 8192 && bits % 8 == 0)
        {
            return new KeyAlgorithm($"RSA-{bits}", null, bits);
        }

        throw new ArgumentException($"unknown key algorithm '{name}' (use P-256, P-384, P-521, RSA-2048, RSA-3072 or RSA-4096)", nameof(name));
    }

    /// <summary>Generates a new key of this type.</summary>
    public AsymmetricAlgorithm Generate() => Curve is { } curve ? ECDsa.Create(curve) : RSA.Create(RsaBits);

    /// <summary>The signature hash that matches the key's strength (RFC 5480 §4; SHA-256 for RSA).</summary>
    public HashAlgorithmName Hash => Name switch
    {
        "P-384" => HashAlgorithmName.SHA384,
        "P-521" => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    public override string ToString() => Name;
}
