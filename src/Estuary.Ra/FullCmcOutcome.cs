using Estuary.Protocol.Cmc;

namespace Estuary.Ra;

/// <summary>What the RA answers to a Full PKI Request: one status per request and the certificates to return.</summary>
public sealed record FullCmcOutcome(IReadOnlyList<CmcStatusInfo> Statuses, IReadOnlyList<ReadOnlyMemory<byte>> Certificates);
