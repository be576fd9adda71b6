using Estuary.Ca;
using Estuary.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Estuary.Admin;

/// <summary>
/// Authenticates every /api/v1 request by API key (Authorization: Bearer KEY, or X-Api-Key: KEY) or by an
/// administrator's TLS client certificate, and checks the scope: read keys may only GET. Refusals are 401
/// (who are you?) or 403 (not with this key) with a plain-text reason.
/// </summary>
internal sealed class ApiAuthorizationFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var (scope, actor, problem) = await AuthenticateAsync(http, services);
        if (scope is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"estuary-api\"";
            return Results.Text(problem, "text/plain; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
        }

        var writes = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
        if (writes && scope != ApiKeyService.WriteScope)
        {
            return Results.Text($"this API key has scope '{scope}'; {http.Request.Method} needs scope 'write'", "text/plain; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        }

        http.Items[AdminActor.ApiKeyItem] = actor;
        return await next(context);
    }

    private static async Task<(string? Scope, string Actor, string Problem)> AuthenticateAsync(HttpContext http, IServiceProvider services)
    {
        var key = http.Request.Headers["X-Api-Key"].ToString();
        var authorization = http.Request.Headers.Authorization.ToString();
        if (key.Length == 0 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = authorization["Bearer ".Length..].Trim();
        }

        if (key.Length > 0)
        {
            var record = await services.GetRequiredService<ApiKeyService>().VerifyAsync(key, http.RequestAborted);
            return record is null
                ? (null, "", "the API key is not valid (unknown, deleted or mistyped)")
                : (record.Scope, $"apikey:{record.Id} ({record.Name})", "");
        }

        if (http.Connection.ClientCertificate is { } certificate)
        {
            var options = services.GetRequiredService<AdminOptions>();
            var ca = services.GetRequiredService<CertificateAuthority>();
            var store = services.GetRequiredService<IEstuaryStore>();
            if (ca.IssuedThis(certificate) && options.ClientCertificateSubjects.Contains(certificate.Subject, StringComparer.OrdinalIgnoreCase)
                && await store.FindCertificateAsync(certificate.SerialNumber, http.RequestAborted) is { RevokedAt: null } record
                && record.NotAfter > DateTimeOffset.UtcNow)
            {
                return (ApiKeyService.WriteScope, $"cert:{certificate.SerialNumber} ({certificate.Subject})", "");
            }

            return (null, "", $"the TLS client certificate '{certificate.Subject}' is not an administrator certificate (Estuary:Admin:ClientCertificateSubjects)");
        }

        return (null, "", "authentication required: an API key (Authorization: Bearer KEY or X-Api-Key) or an administrator's TLS client certificate");
    }
}
