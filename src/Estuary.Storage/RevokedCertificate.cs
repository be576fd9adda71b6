namespace Estuary.Storage;

/// <summary>One revoked certificate as a CRL entry needs it (RFC 5280 §5.1.2.6).</summary>
public sealed record RevokedCertificate(string Serial, string Issuer, DateTimeOffset NotAfter, DateTimeOffset RevokedAt, int Reason);
