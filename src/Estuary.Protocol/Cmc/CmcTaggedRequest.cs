namespace Estuary.Protocol.Cmc;

/// <summary>
/// One TaggedRequest of a PKIData (RFC 5272 §3.2.1.2): its bodyPartID and the verified PKCS#10, or why
/// it cannot be used (a CRMF request, a bad CSR) with the CMCFailInfo to answer.
/// </summary>
public sealed record CmcTaggedRequest(long BodyPartId, CertificationRequest? Csr, string? Problem = null, CmcFailInfo ProblemInfo = CmcFailInfo.BadRequest);
