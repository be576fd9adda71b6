namespace Estuary.Protocol.Cmc;

/// <summary>One CMCStatusInfoV2 control (RFC 5272 §6.1.1) about the body parts in <see cref="BodyList"/>.</summary>
public sealed record CmcStatusInfo(CmcStatus Status, IReadOnlyList<long> BodyList, string? StatusString = null, CmcFailInfo? FailInfo = null);
