using Estuary.Ra;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Estuary.Server;

/// <summary>
/// The CRL of each issuing CA by its key identifier, GET /crl/{KEY-ID}.crl (hex of the subjectKeyIdentifier):
/// the current one and those a renewal replaced. Every certificate's cRLDistributionPoints names its own issuer's
/// (RFC 5280 §4.2.1.13), so it stays right after the issuing CA is renewed.
/// </summary>
public static class IssuerCrlEndpoints
{
    /// <summary>/crl/{KEY-ID}.crl</summary>
    public static string PathFor(string keyIdentifierHex) => $"/crl/{keyIdentifierHex}.crl";

    public static IEndpointRouteBuilder MapIssuerCrls(this IEndpointRouteBuilder app)
    {
        app.MapGet("/crl/{keyIdentifier}.crl", CrlAsync);
        return app;
    }

    private static async Task CrlAsync(HttpContext context, string keyIdentifier)
    {
        // A SHA-1 key identifier is 20 octets; RFC 5280 §4.2.1.2 allows other methods, so accept 1 to 64.
        if (keyIdentifier.Length is 0 or > 128 || keyIdentifier.Length % 2 != 0 || !keyIdentifier.All(char.IsAsciiHexDigit))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await EstHttp.WriteTextAsync(context, "no CRL here: CRLs are at /crl/issuing.crl and /crl/{issuing CA key identifier in hex}.crl");
            return;
        }

        var crl = await context.RequestServices.GetRequiredService<IssuerCrls>().FindAsync(keyIdentifier, context.RequestAborted);
        if (crl is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await EstHttp.WriteTextAsync(context, $"no issuing CA of this server has the key identifier {keyIdentifier} (or it has retired)");
            return;
        }

        await RevocationEndpoints.WriteCrlAsync(context, crl);
    }
}
