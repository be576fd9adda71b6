namespace Estuary.Storage;

/// <summary>
/// What an OCSP answer (RFC 6960 §4.2.1 CertStatus) needs of a certificate record: who issued it and whether, when
/// and why it was revoked. Read on its own so that a status query does not fetch the whole row with its DER.
/// </summary>
public sealed record CertificateRevocationStatus(string Issuer, DateTimeOffset? RevokedAt, int? RevocationReason);
