namespace Estuary.Ca;

/// <summary>The CertStatus of RFC 6960 §4.2.1 for one serial: good, revoked (when, why) or unknown.</summary>
public sealed record OcspCertificateStatus(OcspStatusKind Kind, DateTimeOffset? RevokedAt = null, int Reason = 0)
{
    public static readonly OcspCertificateStatus Good = new(OcspStatusKind.Good);

    public static readonly OcspCertificateStatus Unknown = new(OcspStatusKind.Unknown);

    public static OcspCertificateStatus Revoked(DateTimeOffset at, int reason) => new(OcspStatusKind.Revoked, at, reason);
}

/// <summary>RFC 6960 §4.2.1 CertStatus choices.</summary>
public enum OcspStatusKind
{
    Good,
    Revoked,
    Unknown,
}
