using Estuary.Storage;

namespace Estuary.Ra;

/// <summary>The revoked certificate as stored, and whether it had already been revoked before this request.</summary>
public sealed record RevocationOutcome(CertificateRecord Certificate, bool AlreadyRevoked);
