namespace Estuary.Protocol.Cmc;

/// <summary>CMCFailInfo (RFC 5272 §6.1.4).</summary>
public enum CmcFailInfo
{
    BadAlg = 0,
    BadMessageCheck = 1,
    BadRequest = 2,
    BadTime = 3,
    BadCertId = 4,
    UnsupportedExt = 5,
    MustArchiveKeys = 6,
    BadIdentity = 7,
    PopRequired = 8,
    PopFailed = 9,
    NoKeyReuse = 10,
    InternalCAError = 11,
    TryLater = 12,
    AuthDataFail = 13,
}
