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

    /// <summary>Writes a CRL as application/pkix-crl, cacheable for the recheck interval.</summary>
    internal static async Task WriteCrlAsync(HttpContext context, CrlSnapshot crl)
    {
        var options = context.RequestServices.GetRequiredService<RevocationOptions>();
        var response = context.Response;
        response.ContentType = CrlMediaType;
        response.ContentLength = crl.Der.Length;
        // A CRL can change with any revocation: shared caches hold it no longer than the server's own recheck.
        response.Headers.CacheControl = $"public, max-age={(int)options.RecheckInterval.TotalSeconds}";
        response.Headers.LastModified = crl.ThisUpdate.ToString("R");
        await response.Body.WriteAsync(crl.Der, context.RequestAborted);
    }
}
