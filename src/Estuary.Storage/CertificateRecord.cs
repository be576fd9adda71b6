namespace Estuary.Storage;

/// <summary>A certificate the CA issued, as recorded durably before it reaches the client.</summary>
public sealed record CertificateRecord
{
    /// <summary>Serial number, upper-case hex without separators.</summary>
    public required string Serial { get; init; }

    /// <summary>Subject DN in RFC 4514 form (for search and display).</summary>
    public required string Subject { get; init; }

    /// <summary>Subject alternative names, one per line as "DNS:…", "IP:…", "email:…", "URI:…".</summary>
    public required string SubjectAltNames { get; init; }

    public required string Issuer { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset NotAfter { get; init; }

    /// <summary>The authenticated identity that asked for it ("basic:NAME" or "cert:SERIAL").</summary>
    public required string RequestedBy { get; init; }

    /// <summary>The CA label the request arrived on; empty for the default label.</summary>
    public required string Label { get; init; }

    /// <summary>The EST operation: simpleenroll, simplereenroll, serverkeygen, fullcmc.</summary>
    public required string Operation { get; init; }

    /// <summary>Serial of the certificate this one renews (simplereenroll), else null.</summary>
    public string? Replaces { get; init; }

    public required byte[] Der { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>RFC 5280 §5.3.1 CRLReason code when revoked.</summary>
    public int? RevocationReason { get; init; }

    /// <summary>
    /// The EST account that owns this certificate: the one that enrolled it, or that owned the certificate it renewed.
    /// A certificate authenticates as this account (its provenance), never as its subject text. Null for
    /// certificates whose lineage starts with no account.
    /// </summary>
    public string? Account { get; init; }
}
