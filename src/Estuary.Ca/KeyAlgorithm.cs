using System.Security.Cryptography;

namespace Estuary.Ca;

/// <summary>The families of key a profile or CA can name.</summary>
public enum KeyFamily
{
    Ec,
    Rsa,

    /// <summary>ML-DSA (FIPS 204, RFC 9881): a signature key; generated and used through BouncyCastle (the BCL's MLDsa needs OpenSSL ≥ 3.5).</summary>
    MlDsa,

    /// <summary>ML-KEM (FIPS 203, RFC 9935): a key-establishment key; it cannot sign, so only serverkeygen makes one.</summary>
    MlKem,
}

/// <summary>
/// A key type by its configuration name: P-256, P-384, P-521, RSA-2048…8192, ML-DSA-44/65/87, ML-KEM-512/768/1024.
/// <paramref name="Oid"/> is the post-quantum algorithm's OID (RFC 9881 / RFC 9935), null for EC and RSA.
/// </summary>
public sealed record KeyAlgorithm(string Name, ECCurve? Curve, int RsaBits, KeyFamily Family = KeyFamily.Ec, string? Oid = null)
{
    public static readonly KeyAlgorithm P256 = new("P-256", ECCurve.NamedCurves.nistP256, 0);
    public static readonly KeyAlgorithm P384 = new("P-384", ECCurve.NamedCurves.nistP384, 0);
    public static readonly KeyAlgorithm P521 = new("P-521", ECCurve.NamedCurves.nistP521, 0);
    public static readonly KeyAlgorithm MlDsa44 = new("ML-DSA-44", null, 0, KeyFamily.MlDsa, Protocol.Asn1.Oids.MlDsa44);
    public static readonly KeyAlgorithm MlDsa65 = new("ML-DSA-65", null, 0, KeyFamily.MlDsa, Protocol.Asn1.Oids.MlDsa65);
    public static readonly KeyAlgorithm MlDsa87 = new("ML-DSA-87", null, 0, KeyFamily.MlDsa, Protocol.Asn1.Oids.MlDsa87);
    public static readonly KeyAlgorithm MlKem512 = new("ML-KEM-512", null, 0, KeyFamily.MlKem, Protocol.Asn1.Oids.MlKem512);
    public static readonly KeyAlgorithm MlKem768 = new("ML-KEM-768", null, 0, KeyFamily.MlKem, Protocol.Asn1.Oids.MlKem768);
    public static readonly KeyAlgorithm MlKem1024 = new("ML-KEM-1024", null, 0, KeyFamily.MlKem, Protocol.Asn1.Oids.MlKem1024);

    public bool IsEc => Curve is not null;

    /// <summary>ML-DSA or ML-KEM: keys the BCL cannot make or use on this OpenSSL (3.0).</summary>
    public bool IsPostQuantum => Family is KeyFamily.MlDsa or KeyFamily.MlKem;

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
            case "ML-DSA-44" or "MLDSA44":
                return MlDsa44;
            case "ML-DSA-65" or "MLDSA65":
                return MlDsa65;
            case "ML-DSA-87" or "MLDSA87":
                return MlDsa87;
            case "ML-KEM-512" or "MLKEM512":
                return MlKem512;
            case "ML-KEM-768" or "MLKEM768":
                return MlKem768;
            case "ML-KEM-1024" or "MLKEM1024":
                return MlKem1024;
        }

        if (n.StartsWith("RSA-", StringComparison.Ordinal) && int.TryParse(n.AsSpan(4), out var bits) && bits is >= 2048 and <= 8192 && bits % 8 == 0)
        {
            return new KeyAlgorithm($"RSA-{bits}", null, bits, KeyFamily.Rsa);
        }

        throw new ArgumentException($"unknown key algorithm '{name}' (use P-256, P-384, P-521, RSA-2048, RSA-3072, RSA-4096, ML-DSA-44/65/87 or ML-KEM-512/768/1024)", nameof(name));
    }

    /// <summary>Generates a new EC or RSA key (post-quantum keys are made through BouncyCastle, not here).</summary>
    /// <exception cref="NotSupportedException">A post-quantum key type.</exception>
    public AsymmetricAlgorithm Generate() => Family switch
    {
        KeyFamily.Ec => ECDsa.Create(Curve!.Value),
        KeyFamily.Rsa => RSA.Create(RsaBits),
        _ => throw new NotSupportedException($"{Name} keys are generated through BouncyCastle, not the BCL"),
    };

    /// <summary>The signature hash that matches the key's strength (RFC 5480 §4; SHA-256 for RSA; unused by ML-DSA, which hashes internally).</summary>
    public HashAlgorithmName Hash => Name switch
    {
        "P-384" => HashAlgorithmName.SHA384,
        "P-521" => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    public override string ToString() => Name;
}
