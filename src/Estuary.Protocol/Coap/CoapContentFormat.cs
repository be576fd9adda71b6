namespace Estuary.Protocol.Coap;

/// <summary>
/// CoAP Content-Format numbers (IANA "CoAP Content-Formats" registry) of EST-coaps, RFC 9148 §8.1, plus the
/// link format of discovery (RFC 6690) and multipart-core (RFC 8710). Payloads are binary DER, never base64
/// (RFC 9148 §4.3).
/// </summary>
public static class CoapContentFormat
{
    /// <summary>text/plain; charset=utf-8.</summary>
    public const int TextPlain = 0;

    /// <summary>application/link-format (RFC 6690), the answer of /.well-known/core.</summary>
    public const int LinkFormat = 40;

    /// <summary>application/multipart-core (RFC 8710): /skg and /skc answers.</summary>
    public const int MultipartCore = 62;

    /// <summary>application/pkcs7-mime; smime-type=server-generated-key.</summary>
    public const int ServerGeneratedKey = 280;

    /// <summary>application/pkcs7-mime; smime-type=certs-only.</summary>
    public const int CertsOnly = 281;

    /// <summary>application/pkcs8.</summary>
    public const int Pkcs8 = 284;

    /// <summary>application/csrattrs.</summary>
    public const int CsrAttrs = 285;

    /// <summary>application/pkcs10.</summary>
    public const int Pkcs10 = 286;

    /// <summary>application/pkix-cert: one DER certificate.</summary>
    public const int PkixCert = 287;
}
