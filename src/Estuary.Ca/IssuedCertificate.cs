namespace Estuary.Ca;

/// <summary>A certificate the CA signed: its DER and the fields storage indexes.</summary>
public sealed record IssuedCertificate(byte[] Der, string SerialHex, DateTimeOffset NotBefore, DateTimeOffset NotAfter)
{
    /// <summary>The subject of the issuing CA that signed it (RFC 4514 form, as storage records it).</summary>
    public string? Issuer { get; init; }
}
