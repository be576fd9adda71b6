namespace Estuary.Ra;

/// <summary>
/// Every log event id of Estuary, in one place so that no two events share one (log pipelines alert and count by
/// id). Ranges: 1xxx the EST pipeline, 2xxx authentication, 3xxx configuration and CA upkeep, 4xxx the admin
/// console, 9xxx the web edge. A test checks that every [LoggerMessage] uses a distinct id.
/// </summary>
public static class EstuaryEventId
{
    public const int Issued = 1001;
    public const int Refused = 1002;
    public const int RefusalNotAudited = 1010;
    public const int ServerKeyGenerated = 1101;
    public const int ServerKeyEncrypted = 1102;
    public const int ServerKeyArchived = 1103;
    public const int OcspRefused = 1111;
    public const int OcspResponderRenewed = 1112;
    public const int RequestHeld = 1201;
    public const int UpstreamForwarded = 1301;
    public const int UpstreamFailed = 1302;
    public const int CertificateRevoked = 1401;
    public const int CrlSigned = 1402;

    public const int BasicAuthenticationFailed = 2001;
    public const int SharedLimitsDegraded = 2101;
    public const int SharedLimitsRestored = 2102;
    public const int SharedLimitsPurgeFailed = 2103;

    public const int TemplateChanged = 3001;
    public const int TemplateSkipped = 3002;
    public const int RevocationRefreshFailed = 3101;
    public const int IssuingCaAutoRenewed = 3201;
    public const int IssuingCaTakenUp = 3202;
    public const int IssuingCaRetired = 3203;
    public const int IssuingCaCheckFailed = 3204;
    public const int AdapterChanged = 3301;
    public const int AdapterSkipped = 3302;

    public const int AdminLoginFailed = 4001;
    public const int AdminManaged = 4002;
    public const int TemplatesReloaded = 4101;
    public const int TemplateReloadUnavailable = 4102;

    public const int Unhandled = 9001;
    public const int StorageUnavailable = 9002;

    // 91xx: the CoAP/DTLS listener (RFC 9148).
    public const int CoapsListening = 9101;
    public const int CoapsHandshakeFailed = 9102;
    public const int CoapsSessionRefused = 9103;
    public const int CoapsRequestFailed = 9104;
}
