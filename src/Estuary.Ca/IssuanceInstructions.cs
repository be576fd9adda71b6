namespace Estuary.Ca;

/// <summary>
/// Everything the RA decided about a certificate; the CA adds only serial, issuer, key identifiers and
/// signature. The CA takes instructions from the RA and applies no policy of its own.
/// </summary>
public sealed record IssuanceInstructions
{
    /// <summary>DER of the subject Name.</summary>
    public required ReadOnlyMemory<byte> Subject { get; init; }

    /// <summary>DER of the subject's SubjectPublicKeyInfo.</summary>
    public required ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>Extensions as (OID, critical, DER value), in order; key identifiers and basicConstraints are added by the CA.</summary>
    public required IReadOnlyList<CertificateExtension> Extensions { get; init; }
}

/// <summary>One extension for the certificate being issued.</summary>
public sealed record CertificateExtension(string Oid, bool Critical, ReadOnlyMemory<byte> Value);
