using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>One revokedCertificates entry of a CRL (RFC 5280 §5.1.2.6): serial, revocation date and reason.</summary>
public sealed record CrlEntry(byte[] Serial, DateTimeOffset RevokedAt, X509RevocationReason Reason);
