using Estuary.Ca;
using Estuary.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Estuary.Admin;

/// <summary>
/// Authenticates every /api/v1 request by API key (Authorization: Bearer KEY, or X-Api-Key: KEY) or by a TLS
/// client certificate an administrator registered (<see cref="AdminClientCertificates"/>, role administrator),
/// then authorizes: the endpoint's permission (<see cref="ApiPermissions"/>) against the caller's role, decided by
/// <see cref="AdminAuthorization.Allows"/> as for the console. Refusals are 401 (who are you? an unknown,
/// mistyped or expired key) or 403 (not with this role) with a plain-text reason.
/// </summary>
internal sealed class ApiAuthorizationFilter : IEndpointFilter
{
    private const string Text = "text/plain; charset=utf-8";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var services = http.RequestServices;
        var (role, actor, problem) = await AuthenticateAsync(http, services);
        if (role is not { } caller)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"estuary-api\"";
            return Results.Text(problem, Text, statusCode: StatusCodes.Status401Unauthorized);
        }

        var endpoint = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        if (ApiPermissions.Required(endpoint) is not { } permission)
        {
            return Results.Text($"{http.Request.Method} {http.Request.Path} is not open to any role", Text, statusCode: StatusCodes.Status403Forbidden);
        }

        if (!AdminAuthorization.Allows(caller, permission))
        {
            return Results.Text($"the role '{AdminRoles.Name(caller)}' may not do this ({permission}); use a key with a role that may", Text, statusCode: StatusCodes.Status403Forbidden);
        }

        AdminAccess.SetRole(http, caller);
        http.Items[AdminActor.ApiKeyItem] = actor;
        return await next(context);
    }

    private static async Task<(AdminRole? Role, string Actor, string Problem)> AuthenticateAsync(HttpContext http, IServiceProvider services)
    {
        var key = http.Request.Headers["X-Api-Key"].ToString();
        var authorization = http.Request.Headers.Authorization.ToString();
        if (key.Length == 0 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = authorization["Bearer ".Length..].Trim();
        }

        if (key.Length > 0)
        {
            var (record, problem) = await services.GetRequiredService<ApiKeyService>().VerifyAsync(key, http.RequestAborted);
            return record is null ? (null, "", problem) : (record.Role, $"apikey:{record.Id} ({record.Name})", "");
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

            // A registered certificate is configured by whoever runs the server: it acts as an administrator.
            return (AdminRole.Administrator, $"cert:sha256:{fingerprint}", "");
        }

        return (null, "", "authentication required: an API key (Authorization: Bearer KEY or X-Api-Key) or an administrator's TLS client certificate");
    }
}
