using Microsoft.AspNetCore.Http;

namespace Estuary.Server;

/// <summary>
/// Applies the route table of the listener that accepted the connection (<see cref="ListenerRoutes"/>) before
/// anything else runs: a path that listener does not serve gets a 404 with the reason. A connection no listener
/// tagged gets a 404 too (deny by default).
/// </summary>
public sealed class ListenerGuard(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var listener = context.Features.Get<ListenerFeature>()?.Listener;
        if (listener is { } l && ListenerRoutes.Serves(l, path))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return EstHttp.WriteTextAsync(context, listener switch
        {
            EstuaryListener.PlainHttp => "plain HTTP serves only /crl/ and /ocsp; EST runs over HTTPS only (RFC 7030 §3.3)",
            { } served => $"not found on this listener, which serves only {string.Join(", ", ListenerRoutes.For(served))}",
            null => "not found",
        });
    }
}
