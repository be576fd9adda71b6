using Estuary.Ca;
using Estuary.Ra;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Estuary.Server;

/// <summary>
/// The CRL of each issuing CA by its key identifier, GET /crl/{KEY-ID}.crl (hex of the subjectKeyIdentifier):
/// the current one and those a renewal replaced. Every certificate's cRLDistributionPoints names its own issuer's
/// (RFC 5280 §4.2.1.13), so it stays right after the issuing CA is renewed. And its partition CRLs (RFC 5280 §5.2.5),
/// GET /crl/{KEY-ID}/p{count}-{index}.crl, for any valid count whatever Estuary:Revocation:CrlPartitions says now, so that
/// certificates issued under an earlier setting still find theirs.
/// </summary>
public static class IssuerCrlEndpoints
{
    /// <summary>/crl/{KEY-ID}.crl</summary>
    public static string PathFor(string keyIdentifierHex) => $"/crl/{keyIdentifierHex}.crl";

    /// <summary>/crl/{KEY-ID}/p{count}-{index}.crl</summary>
    public static string PartitionPathFor(string keyIdentifierHex, int count, int index) => $"/crl/{keyIdentifierHex}/{CrlPartition.FileName(count, index)}";

    public static IEndpointRouteBuilder MapIssuerCrls(this IEndpointRouteBuilder app)
    {
        app.MapGet("/crl/{keyIdentifier}.crl", CrlAsync);
        // One segment for the file name, parsed here, so that every bad name gets a plain-text reason, not routing's empty 404.
        app.MapGet("/crl/{keyIdentifier}/{file}", PartitionAsync);
        return app;
    }

    // A SHA-1 key identifier is 20 octets; RFC 5280 §4.2.1.2 allows other methods, so accept 1 to 64.
    private static bool IsKeyIdentifier(string text) =>
        text.Length is > 0 and <= 128 && text.Length % 2 == 0 && text.All(char.IsAsciiHexDigit);

    private static async Task CrlAsync(HttpContext context, string keyIdentifier)
    {
        if (!IsKeyIdentifier(keyIdentifier))
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

    private static async Task PartitionAsync(HttpContext context, string keyIdentifier, string file)
    {
        if (!IsKeyIdentifier(keyIdentifier) || !CrlPartition.TryParseFileName(file, out var count, out var index))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await EstHttp.WriteTextAsync(context, "no CRL here: partition CRLs are at /crl/{issuing CA key identifier in hex}/p{count}-{index}.crl, the count a power of two from 2 to 256 and 0 <= index < count");
            return;
        }

        // Known once the listeners are bound (RevocationPublication.OnStarted); the issuingDistributionPoint names it.
        if (context.RequestServices.GetRequiredService<RevocationUrls>().Base is not { } baseUrl)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await EstHttp.WriteTextAsync(context, "the server is starting: try again in a moment");
            return;
        }

        var full = await context.RequestServices.GetRequiredService<IssuerCrls>().FindAsync(keyIdentifier, context.RequestAborted);
        if (full is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await EstHttp.WriteTextAsync(context, $"no issuing CA of this server has the key identifier {keyIdentifier} (or it has retired)");
            return;
        }

        // The URL with the key identifier as certificates spell it (upper case), whatever the request's case.
        var distributionPoint = RevocationPublication.PartitionUrl(baseUrl, full.KeyIdentifier, count, index);
        var partition = context.RequestServices.GetRequiredService<PartitionCrls>().Get(full, count, index, distributionPoint);
        await RevocationEndpoints.WriteCrlAsync(context, partition, $"p{count}-{index}");
    }
}
