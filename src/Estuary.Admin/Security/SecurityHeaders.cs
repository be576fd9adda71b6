using Microsoft.AspNetCore.Http;

namespace Estuary.Admin;

/// <summary>
/// Response headers for the console and the API: a CSP that allows only this origin's style sheet and no
/// script at all, no framing (clickjacking), no MIME sniffing, no referrer, and HSTS (the app is HTTPS only).
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.StrictTransportSecurity = "max-age=31536000";
        headers.CacheControl = "no-store";
    }
}
