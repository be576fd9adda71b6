namespace Estuary.Protocol;

/// <summary>The CHOICE arms of GeneralName (RFC 5280 §4.2.1.6) that Estuary tells apart.</summary>
public enum GeneralNameType
{
    Dns,
    IpAddress,
    Email,
    Uri,
    OtherName,
    DirectoryName,
    RegisteredId,
    Other,
}
