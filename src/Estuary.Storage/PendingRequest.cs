namespace Estuary.Storage;

/// <summary>
/// An enrollment held for an administrator's decision (RFC 7030 §4.2.3). The client repeats the same
/// request until it is decided; <see cref="RequestKey"/> finds it again even when the client re-signs its
/// CSR (libest does), because it is made of the requester, the label, the public key and the subject.
/// </summary>
public sealed record PendingRequest
{
    /// <summary>Assigned by storage on insert.</summary>
    public long Id { get; init; }

    /// <summary>Hex SHA-256 over label, requester, SubjectPublicKeyInfo and subject DER.</summary>
    public required string RequestKey { get; init; }

    /// <summary>The CA label; empty for the default label.</summary>
    public required string Label { get; init; }

    /// <summary>The authenticated identity that asked ("basic:NAME" or "cert:SERIAL").</summary>
    public required string Requester { get; init; }

    /// <summary>simpleenroll or simplereenroll.</summary>
    public required string Operation { get; init; }

    /// <summary>Serial of the certificate being renewed (simplereenroll), else null.</summary>
    public string? Replaces { get; init; }

    /// <summary>The CSR as first received (DER).</summary>
    public required byte[] Csr { get; init; }

    /// <summary>Subject DN in RFC 4514 form.</summary>
    public required string Subject { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>One of <see cref="PendingRequestStatus"/>.</summary>
    public required string Status { get; init; }

    /// <summary>Why it was rejected or expired.</summary>
    public string? Reason { get; init; }

    /// <summary>The serial of the certificate issued for it, once issued.</summary>
    public string? IssuedSerial { get; init; }

    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }
}
