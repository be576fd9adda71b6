using System.Globalization;
using Estuary.Ca;
using Estuary.Ra;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Estuary.Server;

/// <summary>
/// The OCSP responder over HTTP (RFC 6960 Appendix A.1): POST /ocsp with application/ocsp-request, or
/// GET /ocsp/{url-encoded base64 of the DER request}. Answers are application/ocsp-response.
/// </summary>
public static class OcspEndpoints
{
    public const string RequestMediaType = "application/ocsp-request";
    public const string ResponseMediaType = "application/ocsp-response";

    /// <summary>An OCSPRequest for a handful of certificates is a few hundred bytes; signed requests a few KiB.</summary>
    private const int MaxRequestBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapOcsp(this IEndpointRouteBuilder app)
    {
        app.MapPost(RevocationPublication.OcspPath, PostAsync);
        app.MapGet(RevocationPublication.OcspPath + "/{**request}", GetAsync);
        return app;
    }

    private static async Task PostAsync(HttpContext context)
    {
        if (!string.Equals(context.Request.ContentType?.Split(';')[0].Trim(), RequestMediaType, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await EstHttp.WriteTextAsync(context, $"an OCSP request is posted as {RequestMediaType} (RFC 6960 §A.1)");
            return;
        }

        var body = await EstHttp.ReadBodyAsync(context.Request, MaxRequestBytes);
        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await EstHttp.WriteTextAsync(context, $"an OCSP request is at most {MaxRequestBytes} bytes here");
            return;
        }

        await AnswerAsync(context, body, cacheable: false);
    }

    private static async Task GetAsync(HttpContext context, string? request)
    {
        // RFC 6960 §A.1: GET {url}/{url-encoding of base64 encoding of the DER OCSPRequest}. Kestrel leaves %2F
        // encoded in the path, so decode the raw segment here; base64url is accepted too.
        var raw = Uri.UnescapeDataString(request ?? "").Replace('-', '+').Replace('_', '/').Replace(' ', '+');
        byte[] der;
        try
        {
            der = Convert.FromBase64String(raw.PadRight(raw.Length + ((4 - (raw.Length % 4)) % 4), '='));
        }
        catch (FormatException)
        {
            der = [];
        }

        await AnswerAsync(context, der, cacheable: true);
    }

    private static async Task AnswerAsync(HttpContext context, byte[] request, bool cacheable)
    {
        var ocsp = context.RequestServices.GetRequiredService<OcspService>();
        var answer = await ocsp.RespondAsync(request, context.RequestAborted);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ResponseMediaType;
        response.ContentLength = answer.Der.Length;
        if (cacheable && answer.CacheUntil is { } until)
        {
            // RFC 5019 §6.2: a nonce-less GET answer may be cached until its nextUpdate (max-age, Expires); Last-Modified
            // is its thisUpdate and the ETag the hex SHA-1 of the OCSPResponse. A pre-produced answer keeps its
            // thisUpdate, so max-age counts down from the same nextUpdate. Kestrel adds Date.
            var seconds = Math.Max(0, (int)(until - DateTimeOffset.UtcNow).TotalSeconds);
            response.Headers.CacheControl = $"public, max-age={seconds.ToString(CultureInfo.InvariantCulture)}, no-transform, must-revalidate";
            response.Headers.Expires = until.ToString("R", CultureInfo.InvariantCulture);
            if (answer.ThisUpdate is { } thisUpdate)
            {
                response.Headers.LastModified = thisUpdate.ToString("R", CultureInfo.InvariantCulture);
            }

            if (answer.ETag is { } etag)
            {
                response.Headers.ETag = etag;
            }
        }
        else
        {
            response.Headers.CacheControl = "no-cache";
        }

        await response.Body.WriteAsync(answer.Der, context.RequestAborted);
    }
}
