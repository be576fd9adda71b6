namespace Estuary.Protocol.Cmc;

/// <summary>Object identifiers of CMC (RFC 5272 §3.2, §6).</summary>
public static class CmcOids
{
    /// <summary>id-cct-PKIData: the eContentType of a full PKI request.</summary>
    public const string PkiData = "1.3.6.1.5.5.7.12.2";

    /// <summary>id-cct-PKIResponse: the eContentType of a full PKI response.</summary>
    public const string PkiResponse = "1.3.6.1.5.5.7.12.3";

    /// <summary>id-cmc-statusInfoV2 (RFC 5272 §6.1.1).</summary>
    public const string StatusInfoV2 = "1.3.6.1.5.5.7.7.25";
}
