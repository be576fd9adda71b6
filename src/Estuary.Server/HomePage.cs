using System.Net;
using Estuary.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Estuary.Server;

/// <summary>
/// "/" on the EST listener: a short page for a person who types the server's address into a browser, saying what
/// this is, where EST answers and where the console is, instead of a bare 404.
/// </summary>
public static class HomePage
{
    public const string Path = "/";

    public static IEndpointRouteBuilder MapHomePage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, Write);
        return app;
    }

    private static IResult Write(HttpContext context, EstuaryListeners listeners)
    {
        var est = $"{context.Request.Scheme}://{context.Request.Host}{EstEndpoints.BasePath}";
        var admin = listeners.Address(EstuaryListener.Admin) is { } a ? a.GetLeftPart(UriPartial.Authority) + EstuaryAdminExtensions.ConsolePath + "/" : null;
        var console = admin is null
            ? "<p>The admin console is not available with this storage; use the <code>estuary</code> command.</p>"
            : $"<p>Operators: the console answers on its own listener, <a href=\"{E(admin)}\">{E(admin)}</a> (reachable from where that listener is bound, by default this host only).</p>";
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Estuary EST server</title></head>
            <body>
            <h1>Estuary</h1>
            <p>This is an EST server (Enrollment over Secure Transport, RFC 7030): devices and people enroll for certificates here with an EST client.</p>
            <p>EST base URL: <code>{E(est)}</code> (the CA certificates: <a href="{E(est)}/cacerts">{E(est)}/cacerts</a>).</p>
            {console}
            <p>Documentation: docs/GETTING-STARTED.md, docs/CLIENT.md and docs/CONFIGURATION.md of the Estuary distribution.</p>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
