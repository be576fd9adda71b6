using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Estuary.Admin;

/// <summary>
/// Cross-site request forgery guard for API writes (POST, PUT, PATCH, DELETE under /api/v1). A browser that
/// holds an administrator's client certificate presents it to any page's form or fetch, so a write must be
/// what no other site can send without a CORS preflight (which this API never grants): a body only as
/// application/json (415 otherwise), and an Origin header, when present, naming this server (403 otherwise).
/// A middleware rather than an endpoint filter: a JSON-bound handler refuses a wrong type before any filter
/// runs, without saying why.
/// </summary>
internal sealed class ApiWriteGuard(RequestDelegate next)
{
    private const string Text = "text/plain; charset=utf-8";

    public Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        if (!request.Path.StartsWithSegments(ApiEndpoints.BasePath) || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        {
            return next(http);
        }

        if (request.Headers.Origin.Count > 0 && !IsOwnOrigin(request))
        {
            return RefuseAsync(http, StatusCodes.Status403Forbidden, $"a {request.Method} from another origin is refused: the Origin header must be {OwnOrigin(request)}");
        }

        // A form with no fields still sends its Content-Type, so a present Content-Type is checked even without a body.
        var hasBody = http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if ((hasBody || request.ContentType is not null) && !IsJson(request.ContentType))
        {
            return RefuseAsync(http, StatusCodes.Status415UnsupportedMediaType, $"a {request.Method} body must be Content-Type: application/json (got '{request.ContentType ?? "none"}')");
        }

        return next(http);
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);

    // RFC 6454 §4: an origin is scheme, host and port (a browser leaves out the scheme's default port, which
    // SchemeAndServer leaves out too). "null" and anything else that is not one absolute URI is not ours.
    private static bool IsOwnOrigin(HttpRequest request) =>
        request.Headers.Origin.Count == 1
        && Uri.TryCreate(request.Headers.Origin.ToString(), UriKind.Absolute, out var origin)
        && Uri.TryCreate(OwnOrigin(request), UriKind.Absolute, out var own)
        && Uri.Compare(origin, own, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static string OwnOrigin(HttpRequest request) => $"{request.Scheme}://{request.Host.ToUriComponent()}";

    private static Task RefuseAsync(HttpContext http, int status, string reason)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = Text;
        return http.Response.WriteAsync(reason, http.RequestAborted);
    }
}
