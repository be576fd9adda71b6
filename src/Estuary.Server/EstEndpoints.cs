using Estuary.Protocol;
using Estuary.Ra;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Estuary.Server;

/// <summary>
/// The EST operations of RFC 7030 §3.2.2 under /.well-known/est and /.well-known/est/{label}.
/// Handlers are thin: decode at the edge, ask the RA, write the answer.
/// </summary>
public static class EstEndpoints
{
    public const string BasePath = "/.well-known/est";

    /// <summary>RFC 7030 §3.2.2: every operation answers with and without a CA label segment.</summary>
    internal static readonly string[] Prefixes = [BasePath, BasePath + "/{label}"];

    public static IEndpointRouteBuilder MapEst(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in Prefixes)
        {
            var group = app.MapGroup(prefix);
            group.MapGet("/cacerts", CaCertsAsync);
            group.MapGet("/csrattrs", CsrAttrsAsync);
            group.MapPost("/simpleenroll", (HttpContext c, string? label) => EnrollAsync(c, label, reenroll: false));
            group.MapPost("/simplereenroll", (HttpContext c, string? label) => EnrollAsync(c, label, reenroll: true));
        }

        return app;
    }

    private static async Task CaCertsAsync(HttpContext context, string? label)
    {
        var ra = context.RequestServices.GetRequiredService<RegistrationAuthority>();
        var options = context.RequestServices.GetRequiredService<IOptions<EstuaryOptions>>().Value;
        var result = await ra.GetCaCertsAsync(label ?? "", context.RequestAborted);
        await (result.Value is { } der
            ? EstHttp.WriteBase64Async(context, EstMediaTypes.CertsOnly, der, Base64LayoutPolicy.Choose(context.Request, options.FixedLayout, null))
            : EstHttp.WriteErrorAsync(context, result.Error!, options.Realm));
    }

    private static Task CsrAttrsAsync(HttpContext context, string? label)
    {
        var ra = context.RequestServices.GetRequiredService<RegistrationAuthority>();
        var options = context.RequestServices.GetRequiredService<IOptions<EstuaryOptions>>().Value;
        var result = ra.GetCsrAttributes(label ?? "");
        if (!result.IsSuccess)
        {
            return EstHttp.WriteErrorAsync(context, result.Error!, options.Realm);
        }

        if (result.Value is not { } der)
        {
            // RFC 7030 §4.5.2: 204 when the server has no attributes to ask for.
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        return EstHttp.WriteBase64Async(context, EstMediaTypes.CsrAttrs, der, Base64LayoutPolicy.Choose(context.Request, options.FixedLayout, null));
    }

    private static async Task EnrollAsync(HttpContext context, string? label, bool reenroll)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<EstuaryOptions>>().Value;
        var request = await EstRequestReader.ReadPkcs10Async(context, label, options);
        if (request.Error is { } error)
        {
            await EstHttp.WriteErrorAsync(context, error, options.Realm);
            return;
        }

        var (estContext, csr, wrapped) = request.Value;
        var ra = context.RequestServices.GetRequiredService<RegistrationAuthority>();
        var result = reenroll
            ? await ra.ReenrollAsync(estContext, csr, context.RequestAborted)
            : await ra.EnrollAsync(estContext, csr, context.RequestAborted);
        if (result.Value is not { } issued)
        {
            await EstHttp.WriteErrorAsync(context, result.Error!, options.Realm);
            return;
        }

        // RFC 7030 §4.2.3: certs-only CMS holding the issued certificate.
        var body = CertsOnly.Encode([issued.Der]);
        await EstHttp.WriteBase64Async(context, EstMediaTypes.CertsOnly, body, Base64LayoutPolicy.Choose(context.Request, options.FixedLayout, wrapped));
    }
}
