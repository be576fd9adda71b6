namespace Estuary.Ca;

/// <summary>
/// An OCSPResponse (RFC 6960 §4.2.1) ready to send: its DER, its responseStatus, a reason for the log when
/// it is an error, and until when HTTP caches may keep it (only for nonce-less answers, RFC 5019 §6.2).
/// </summary>
public sealed record OcspAnswer(byte[] Der, int Status, string? Reason, DateTimeOffset? CacheUntil)
{
    /// <summary>An error response: responseStatus only, no responseBytes (RFC 6960 §4.2.1).</summary>
    public static OcspAnswer Error(int status, string reason) =>
        new(new Org.BouncyCastle.Ocsp.OCSPRespGenerator().Generate(status, null).GetEncoded(), status, reason, null);
}
