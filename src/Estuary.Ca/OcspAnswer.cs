using System.Security.Cryptography;

namespace Estuary.Ca;

/// <summary>
/// An OCSPResponse (RFC 6960 §4.2.1) ready to send: its DER, its responseStatus, a reason for the log when
/// it is an error, and until when HTTP caches may keep it (only for nonce-less answers, RFC 5019 §6.2).
/// </summary>
public sealed record OcspAnswer(byte[] Der, int Status, string? Reason, DateTimeOffset? CacheUntil)
{
    /// <summary>The thisUpdate (and producedAt) of a successful answer: HTTP Last-Modified (RFC 5019 §6.2).</summary>
    public DateTimeOffset? ThisUpdate { get; init; }

    /// <summary>
    /// RFC 5019 §6.2 recommends as HTTP ETag the ASCII hex of the SHA-1 hash of the OCSPResponse; set on cacheable
    /// answers only (SHA-1 names a version of a public object here, it protects nothing).
    /// </summary>
    public string? ETag { get; init; }

    /// <summary>An error response: responseStatus only, no responseBytes (RFC 6960 §4.2.1).</summary>
    public static OcspAnswer Error(int status, string reason) =>
        new(new Org.BouncyCastle.Ocsp.OCSPRespGenerator().Generate(status, null).GetEncoded(), status, reason, null);

#pragma warning disable CA5350 // RFC 5019 §6.2: the ETag is the SHA-1 of the response, an identifier, not a signature.
    internal static string EntityTag(byte[] der) => "\"" + Convert.ToHexString(SHA1.HashData(der)) + "\"";
#pragma warning restore CA5350
}
