using Estuary.Ca;
using Estuary.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Estuary.Admin;

/// <summary>
/// Authenticates every /api/v1 request by API key (Authorization: Bearer KEY, or X-Api-Key: KEY) or by a TLS
/// client certificate an administrator registered (<see cref="AdminClientCertificates"/>), and checks the
/// scope: read keys may only GET. Refusals are 401 (who are you?) or 403 (not with this key) with a
/// plain-text reason.
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
            // Only a registered certificate (by fingerprint) counts, within its validity period and not revoked
            // if this CA issued it. TLS has already proven that the client holds the certificate's key.
            var fingerprint = AdminClientCertificates.Fingerprint(certificate);
            if (!services.GetRequiredService<AdminClientCertificates>().IsRegistered(certificate))
            {
                return (null, "", $"the TLS client certificate (SHA-256 {fingerprint}) is not a registered administrator certificate (Estuary:Admin:ClientCertificateFingerprints)");
            }

            var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
            {
                return (null, "", $"the administrator certificate (SHA-256 {fingerprint}) is outside its validity period");
            }

            if (services.GetRequiredService<CertificateAuthority>().IssuedThis(certificate)
                && await services.GetRequiredService<IEstuaryStore>().FindCertificateAsync(certificate.SerialNumber, http.RequestAborted) is { RevokedAt: not null })
            {
                return (null, "", $"the administrator certificate (SHA-256 {fingerprint}) is revoked");
            }

            return (ApiKeyService.WriteScope, $"cert:sha256:{fingerprint}", "");
        }

        return (null, "", "authentication required: an API key (Authorization: Bearer KEY or X-Api-Key) or an administrator's TLS client certificate");
    }
}
