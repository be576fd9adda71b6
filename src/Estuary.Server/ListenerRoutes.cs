using Estuary.Admin;
using Microsoft.AspNetCore.Http;

namespace Estuary.Server;

/// <summary>
/// One route table per listener: the path prefixes each listener serves. Everything else is 404 there, so an
/// EST client on the internet never reaches the console, the REST API or the metrics, and an operator's
/// admin port serves no EST.
/// </summary>
public static class ListenerRoutes
{
    private static readonly string[] Est = [EstEndpoints.BasePath, RevocationEndpoints.CrlPrefix, RevocationPublication.OcspPath, HealthEndpoints.HealthPath, HealthEndpoints.ReadyPath];

    // Exact paths (not prefixes): "/" as a prefix would match every path and open the listener to everything.
    private static readonly string[] EstExact = [HomePage.Path];

    private static readonly string[] Admin = [EstuaryAdminExtensions.ConsolePath, ApiEndpoints.BasePath, EstuaryAdminExtensions.OpenApiPrefix, HealthEndpoints.MetricsPath];

    // CRLs and OCSP responses are signed objects, commonly fetched over http (RFC 5280 §4.2.1.13, RFC 6960 §A.1);
    // EST itself runs over TLS only (RFC 7030 §3.3).
    private static readonly string[] PlainHttp = [RevocationEndpoints.CrlPrefix, RevocationPublication.OcspPath];

    /// <summary>The path prefixes <paramref name="listener"/> serves; none for a listener without a table.</summary>
    public static IReadOnlyList<string> For(EstuaryListener listener) => listener switch
    {
        EstuaryListener.Est => Est,
        EstuaryListener.Admin => Admin,
        EstuaryListener.PlainHttp => PlainHttp,
        _ => [],
    };

    /// <summary>The exact paths <paramref name="listener"/> serves besides its prefixes: "/" on the EST listener.</summary>
    public static IReadOnlyList<string> ExactFor(EstuaryListener listener) => listener == EstuaryListener.Est ? EstExact : [];

    /// <summary>Whether <paramref name="listener"/> serves <paramref name="path"/> (whole segments, as routing matches them).</summary>
    public static bool Serves(EstuaryListener listener, PathString path) =>
        ExactFor(listener).Any(exact => path.Equals(exact, StringComparison.Ordinal))
        || For(listener).Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));
}
