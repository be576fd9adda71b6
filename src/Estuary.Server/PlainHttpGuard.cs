using Microsoft.AspNetCore.Http;

namespace Estuary.Server;

/// <summary>
/// The optional plain-HTTP listener (Estuary:HttpListen) exists for relying parties fetching CRLs and OCSP
/// responses, which are signed objects and commonly fetched over http (RFC 5280 §4.2.1.13, RFC 6960 §A.1).
/// EST itself runs over TLS only (RFC 7030 §3.3): everything else on plain HTTP gets a 404 with the reason.
/// </summary>
public sealed class PlainHttpGuard(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (context.Request.IsHttps || path.StartsWithSegments("/crl") || path.StartsWithSegments("/ocsp"))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return EstHttp.WriteTextAsync(context, "plain HTTP serves only /crl/ and /ocsp; EST runs over HTTPS only (RFC 7030 §3.3)");
    }
}
