using System.Security.Cryptography;
using Estuary.Protocol;
using Estuary.Ra;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Estuary.Server;

/// <summary>/serverkeygen (RFC 7030 §4.4) under /.well-known/est and /.well-known/est/{label}.</summary>
public static class EstServerKeyGenEndpoints
{
    public static IEndpointRouteBuilder MapEstServerKeyGen(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in EstEndpoints.Prefixes)
        {
            app.MapPost(prefix + "/serverkeygen", ServerKeyGenAsync);
        }

        return app;
    }

    private static async Task ServerKeyGenAsync(HttpContext context, string? label)
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
        var result = await ra.ServerKeyGenAsync(estContext, csr, context.RequestAborted);
        if (result.Value is not { } generated)
        {
            await EstHttp.WriteErrorAsync(context, result.Error!, options.Realm);
            return;
        }

        // RFC 8951 §3.2: the parts are base64. libest reads lines under ~1,000 characters only, so a
        // one-line layout is used only when configured or when the client itself sent one line.
        var layout = Base64LayoutPolicy.Choose(context.Request, options.FixedLayout, wrapped);
        // RFC 7030 §4.4.2: with additional encryption the key part is the EnvelopedData, labelled server-generated-key.
        var response = generated.EncryptedKey is { } encrypted
            ? ServerKeyGenResponse.Encode(EstMediaTypes.ServerGeneratedKey, encrypted, CertsOnly.Encode([generated.Certificate.Der]), layout)
            : ServerKeyGenResponse.Encode(EstMediaTypes.Pkcs8, generated.PrivateKeyInfo, CertsOnly.Encode([generated.Certificate.Der]), layout);
        CryptographicOperations.ZeroMemory(generated.PrivateKeyInfo);
        try
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = response.ContentType;
            context.Response.ContentLength = response.Body.Length;
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(response.Body);
        }
    }
}
