using Estuary.Protocol.Cmc;

namespace Estuary.Ra;

/// <summary>
/// What the RA answers to a Full PKI Request: one status per request and the certificates to return, and the
/// controls answered besides status (transactionId echo, recipientNonce and a fresh senderNonce, RFC 5272 §6.6).
/// </summary>
public sealed record FullCmcOutcome(IReadOnlyList<CmcStatusInfo> Statuses, IReadOnlyList<ReadOnlyMemory<byte>> Certificates, IReadOnlyList<CmcControl>? Controls = null)
{
    /// <summary>
    /// Who signs the PKIResponse: null for the RA signing certificate (ECDSA, the main hierarchy), else the issuing CA of
    /// the label's ML-DSA hierarchy, which signs it with ML-DSA per RFC 9882 (docs/PQC.md says why the CA itself).
    /// </summary>
    public Ca.CertificateAuthority? MlDsaSigner { get; init; }
}
