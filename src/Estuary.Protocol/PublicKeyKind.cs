namespace Estuary.Protocol;

/// <summary>The subject public key of a CSR, as a policy sees it: algorithm, curve or size.</summary>
public sealed record PublicKeyKind(string AlgorithmOid, string? CurveOid, int KeySizeBits)
{
    /// <summary>A short name for messages and configuration: "P-256", "P-384", "P-521", "RSA-2048", ….</summary>
    public string Name => AlgorithmOid switch
    {
        Asn1.Oids.EcPublicKey => CurveName(CurveOid),
        Asn1.Oids.RsaEncryption => $"RSA-{KeySizeBits}",
        Asn1.Oids.MlDsa44 => "ML-DSA-44",
        Asn1.Oids.MlDsa65 => "ML-DSA-65",
        Asn1.Oids.MlDsa87 => "ML-DSA-87",
        Asn1.Oids.MlKem512 => "ML-KEM-512",
        Asn1.Oids.MlKem768 => "ML-KEM-768",
        Asn1.Oids.MlKem1024 => "ML-KEM-1024",
        _ => AlgorithmOid,
    };

    /// <summary>ML-DSA (RFC 9881): signs, so it can sign its own CSR.</summary>
    public bool IsMlDsa => AlgorithmOid is Asn1.Oids.MlDsa44 or Asn1.Oids.MlDsa65 or Asn1.Oids.MlDsa87;

    /// <summary>ML-KEM (RFC 9935): cannot sign, so it never arrives in a CSR of its own; only serverkeygen makes one.</summary>
    public bool IsMlKem => AlgorithmOid is Asn1.Oids.MlKem512 or Asn1.Oids.MlKem768 or Asn1.Oids.MlKem1024;

    public bool IsEc => AlgorithmOid == Asn1.Oids.EcPublicKey;

    public bool IsRsa => AlgorithmOid == Asn1.Oids.RsaEncryption;

    public static string CurveName(string? oid) => oid switch
    {
        Asn1.Oids.Secp256r1 => "P-256",
        Asn1.Oids.Secp384r1 => "P-384",
        Asn1.Oids.Secp521r1 => "P-521",
        null => "EC (no named curve)",
        _ => "EC curve " + oid,
    };
}
