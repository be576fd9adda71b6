namespace Estuary.Storage;

/// <summary>A search over issued certificates; every criterion left null matches everything.</summary>
public sealed record CertificateQuery
{
    /// <summary>Substring of the subject, a SAN or the serial (case-insensitive).</summary>
    public string? Text { get; init; }

    /// <summary>The CA label, exactly ("" is the default label).</summary>
    public string? Label { get; init; }

    /// <summary>Substring of the requester ("basic:NAME" or "cert:SERIAL").</summary>
    public string? RequestedBy { get; init; }

    /// <summary>"valid", "expired" or "revoked", judged at <see cref="Now"/>.</summary>
    public string? Status { get; init; }

    /// <summary>Only certificates whose notAfter is before this time.</summary>
    public DateTimeOffset? ExpiresBefore { get; init; }

    /// <summary>Only certificates issued at or after this time.</summary>
    public DateTimeOffset? IssuedSince { get; init; }

    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;

    public int Limit { get; init; } = 200;
}
