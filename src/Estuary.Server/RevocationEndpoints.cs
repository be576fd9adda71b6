using Estuary.Ra;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Estuary.Server;

/// <summary>The CRL of the issuing CA (RFC 5280 §5), where every issued certificate's cRLDistributionPoints points.</summary>
public static class RevocationEndpoints
{
    /// <summary>Every CRL lives under this path: the current one and one per issuing CA key.</summary>
    public const string CrlPrefix = "/crl";

    public const string CrlPath = CrlPrefix + "/issuing.crl";

    /// <summary>RFC 5280 §4.2.1.13 / RFC 2585 §4.2: a DER CRL over HTTP is application/pkix-crl.</summary>
    public const string CrlMediaType = "application/pkix-crl";

    public static IEndpointRouteBuilder MapRevocation(this IEndpointRouteBuilder app)
    {
        app.MapGet(CrlPath, CrlAsync);
        app.MapIssuerCrls();
        app.MapOcsp();
        return app;
    }

    private static async Task CrlAsync(HttpContext context)
    {
        var publisher = context.RequestServices.GetRequiredService<CrlPublisher>();
        var crl = await publisher.GetCurrentAsync(context.RequestAborted);
        await WriteCrlAsync(context, crl);
    }

    /// <summary>
    /// Writes a CRL as application/pkix-crl, cacheable for the recheck interval, or 304 Not Modified to a client that
    /// already holds it (RFC 9110 §13: If-None-Match with its ETag, else If-Modified-Since its thisUpdate). The ETag is
    /// the issuer's key identifier and the CRL number, which names one signed CRL (RFC 5280 §5.2.3: numbers only grow
    /// per issuer). A 100,000-entry CRL is 4.6 MB: a relying party or cache that revalidates gets 0 bytes instead.
    /// A partition CRL carries its full CRL's number, so its ETag also names the partition (<paramref name="partition"/>, "p16-5").
    /// </summary>
    internal static async Task WriteCrlAsync(HttpContext context, CrlSnapshot crl, string? partition = null)
    {
        var options = context.RequestServices.GetRequiredService<RevocationOptions>();
        var request = context.Request;
        var response = context.Response;
        var etag = partition is null ? $"\"{crl.KeyIdentifier}-{crl.Number}\"" : $"\"{crl.KeyIdentifier}-{crl.Number}-{partition}\"";
        // A CRL can change with any revocation: shared caches hold it no longer than the server's own recheck.
        response.Headers.CacheControl = $"public, max-age={(int)options.RecheckInterval.TotalSeconds}";
        response.Headers.LastModified = crl.ThisUpdate.ToString("R");
        response.Headers.ETag = etag;
        if (NotModified(request, etag, crl.ThisUpdate))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = CrlMediaType;
        response.ContentLength = crl.Der.Length;
        await response.Body.WriteAsync(crl.Der, context.RequestAborted);
    }

    /// <summary>RFC 9110 §13.2.2: If-None-Match decides when present (weak comparison, "*" matches); If-Modified-Since only without it.</summary>
    private static bool NotModified(HttpRequest request, string etag, DateTimeOffset thisUpdate)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 0)
        {
            foreach (var value in ifNoneMatch)
            {
                foreach (var candidate in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (candidate == "*" || candidate == etag || candidate == "W/" + etag)
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        return request.GetTypedHeaders().IfModifiedSince is { } since && thisUpdate <= since;
    }
}
