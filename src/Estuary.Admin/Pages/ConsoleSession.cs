using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Estuary.Admin.Pages;

/// <summary>
/// Post/redirect/get: what a console POST has to tell the page it redirects to (a message, a password shown
/// once, a form to correct) travels in TempData kept in this server's memory (session state), never in the
/// URL or a cookie, so a new password lands neither in a proxy log, the browser history nor a cookie jar.
/// </summary>
internal static class ConsoleSession
{
    public const string CookieName = "__Host-estuary-console";

    /// <summary>A one-time result waits this long for the GET that shows it.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    public static IMvcBuilder AddConsoleSession(this IMvcBuilder mvc)
    {
        mvc.Services.AddDistributedMemoryCache();
        mvc.Services.AddSession(session =>
        {
            session.Cookie.Name = CookieName;
            session.Cookie.Path = "/";
            session.Cookie.HttpOnly = true;
            session.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            session.Cookie.SameSite = SameSiteMode.Strict;
            session.Cookie.IsEssential = true;
            session.IdleTimeout = IdleTimeout;
        });
        return mvc.AddSessionStateTempDataProvider();
    }

    /// <summary>Session state for the console's pages only; EST and the REST API never carry it.</summary>
    public static WebApplication UseConsoleSession(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(EstuaryAdminExtensions.ConsolePath), console => console.UseSession());
        return app;
    }
}
