using Estuary.Protocol.Coap;

namespace Estuary.Server.Coaps;

/// <summary>A whole CoAP request as the resources see it: Block1 already reassembled (RFC 7959 §2.5).</summary>
public sealed record CoapRequest(CoapCode Method, IReadOnlyList<string> Path, IReadOnlyList<string> Query, int? ContentFormat, int? Accept, byte[] Body)
{
    public static CoapRequest From(CoapMessage message, byte[] body) => new(
        message.Code,
        message.All(CoapOptionNumber.UriPath).Select(o => o.AsString()).ToList(),
        message.All(CoapOptionNumber.UriQuery).Select(o => o.AsString()).ToList(),
        (int?)message.Find(CoapOptionNumber.ContentFormat)?.AsUint(),
        (int?)message.Find(CoapOptionNumber.Accept)?.AsUint(),
        body);

    /// <summary>"/.well-known/est/sen": the path as logs and keys show it.</summary>
    public string PathText => "/" + string.Join('/', Path);
}

/// <summary>
/// A whole response before Block2 slicing: code, Content-Format (none for a diagnostic payload, RFC 7252 §5.5.2),
/// payload, and Max-Age when the client should come back later (RFC 9148 §4.7 in place of Retry-After).
/// </summary>
public sealed record CoapResponse(CoapCode Code, int? ContentFormat, byte[] Payload, uint? MaxAge = null, uint? Size1 = null)
{
    /// <summary>An error with its reason as the diagnostic payload (RFC 7252 §5.5.2: UTF-8 text, no Content-Format).</summary>
    public static CoapResponse Diagnostic(CoapCode code, string reason, uint? maxAge = null) =>
        new(code, null, System.Text.Encoding.UTF8.GetBytes(reason), maxAge);
}
