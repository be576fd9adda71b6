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

    /// <summary>id-cmc-statusInfo (RFC 5272 §6.1.2), the older status control some servers still send.</summary>
    public const string StatusInfo = "1.3.6.1.5.5.7.7.1";

    /// <summary>id-cmc-transactionId (RFC 5272 §6.6): INTEGER, returned unchanged in the response.</summary>
    public const string TransactionId = "1.3.6.1.5.5.7.7.5";

    /// <summary>id-cmc-senderNonce (RFC 5272 §6.6): OCTET STRING, returned as recipientNonce.</summary>
    public const string SenderNonce = "1.3.6.1.5.5.7.7.6";

    /// <summary>id-cmc-recipientNonce (RFC 5272 §6.6).</summary>
    public const string RecipientNonce = "1.3.6.1.5.5.7.7.7";

    /// <summary>id-cmc-revokeRequest (RFC 5272 §6.11).</summary>
    public const string RevokeRequest = "1.3.6.1.5.5.7.7.17";
}
