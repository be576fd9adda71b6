namespace Estuary.Protocol;

/// <summary>The subject public key of a CSR, as a policy sees it: algorithm, curve or size.</summary>
public sealed record PublicKeyKind(string AlgorithmOid, string? CurveOid, int KeySizeBits)
{
    /// <summary>A short name for messages and configuration: "P-256", "P-384", "P-521", "RSA-2048", ….</summary>
    public string Name => AlgorithmOid switch
    {
        Asn1.Oids.EcPublicKey => CurveName(CurveOid),
        Asn1.Oids.RsaEncryption => $"RSA-{KeySizeBits}",
        _ => AlgorithmOid,
    };

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
