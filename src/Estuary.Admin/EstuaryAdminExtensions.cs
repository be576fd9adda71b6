using Estuary.Admin.Pages;
using Estuary.Ra;
using Estuary.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Estuary.Admin;

/// <summary>
/// Mounts the admin console (/admin, Razor Pages), the REST API (/api/v1) and its OpenAPI document
/// (/openapi/v1.json) in the server's Kestrel app, where only the admin listener reaches them.
/// </summary>
public static class EstuaryAdminExtensions
{
    public const string CookieScheme = "EstuaryAdmin";
    public const string AdminPolicy = "EstuaryAdmin";
    public const string ConsolePath = "/admin";

    /// <summary>Where the OpenAPI documents live (/openapi/v1.json).</summary>
    public const string OpenApiPrefix = "/openapi";

    /// <summary>Registers the console's services. <paramref name="dataDir"/> keeps the cookie-protection keys.</summary>
    public static IServiceCollection AddEstuaryAdmin(this IServiceCollection services, IConfiguration configuration, string dataDir)
    {
        // Refuse to start rather than silently drop a setting that used to grant administrator access.
        if (configuration.GetSection("Estuary:Admin:ClientCertificateSubjects").Exists())
        {
            throw new ArgumentException(
                "Estuary:Admin:ClientCertificateSubjects was removed (an EST client could request a listed subject); register each administrator certificate by its SHA-256 fingerprint in Estuary:Admin:ClientCertificateFingerprints instead");
        }

        var options = new AdminOptions();
        configuration.GetSection("Estuary:Admin").Bind(options);
        services.AddSingleton(options);
        services.AddSingleton(new AdminClientCertificates(options.ClientCertificateFingerprints));
        AdminLoginRateLimiter.Validate(options);
        services.AddSingleton(sp => new AdminLoginRateLimiter(options, sp.GetRequiredService<IRateLimiter>()));
        services.AddSingleton(sp => (IManagementStore)sp.GetRequiredService<IEstuaryStore>());
        services.AddSingleton<TemplateService>();
        services.AddSingleton<Services.CertificateTotal>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<AdminUserService>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<IAdapterSecretProtector, DataProtectionSecretProtector>();
        services.AddSingleton<AdapterService>();
        services.AddHostedService<AdapterLoader>(); // before the templates that name adapters
        services.AddHostedService<TemplateLoader>();
        services.AddHostedService<TemplateRefreshService>();

        // Login cookies and antiforgery tokens survive a restart: their keys live in the data folder.
        services.AddDataProtection()
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDir, "console-keys")))
            .SetApplicationName("estuary");

        services.AddAuthentication(CookieScheme).AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = "__Host-estuary-admin";
            cookie.Cookie.Path = "/";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.LoginPath = ConsolePath + "/login";
            cookie.LogoutPath = ConsolePath + "/logout";
            cookie.AccessDeniedPath = ConsolePath + "/login";
            cookie.ExpireTimeSpan = options.SessionLifetime;
            cookie.SlidingExpiration = true;
            cookie.Events.OnValidatePrincipal = AdminSessionValidator.ValidateAsync;
        });
        services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser());
        services.AddAntiforgery(a =>
        {
            a.Cookie.Name = "__Host-estuary-af";
            a.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            a.Cookie.SameSite = SameSiteMode.Strict;
            a.Cookie.HttpOnly = true;
            a.HeaderName = null;
        });
        services.Configure<RouteOptions>(r => r.LowercaseUrls = true);
        services.AddRazorPages(pages =>
            {
                pages.Conventions.AuthorizeFolder("/Admin", AdminPolicy);
                pages.Conventions.AllowAnonymousToPage("/Admin/Login");
            })
            .AddMvcOptions(mvc => mvc.Filters.Add(new ConsoleAuthorizationFilter())) // each page handler's role check
            .ConfigureApplicationPartManager(parts =>
            {
                var assembly = typeof(EstuaryAdminExtensions).Assembly;
                if (!parts.ApplicationParts.Any(p => p.Name == assembly.GetName().Name))
                {
                    // The factory the Razor SDK names gives the part that also carries the compiled pages.
                    foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                    {
                        parts.ApplicationParts.Add(part);
                    }
                }
            })
            .AddConsoleSession();
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Estuary REST API";
            document.Info.Description = "Templates, accounts, certificates, audit and CA of an Estuary EST server. Authenticate with Authorization: Bearer KEY or X-Api-Key: KEY.";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>
    /// Maps /admin, /api/v1 and /openapi/v1.json, with security headers on every console and API response and
    /// the CSRF guard (<see cref="ApiWriteGuard"/>) on API writes.
    /// </summary>
    public static WebApplication MapEstuaryAdmin(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments(ConsolePath) || path.StartsWithSegments(ApiEndpoints.BasePath) || path.StartsWithSegments(OpenApiPrefix))
            {
                context.Response.OnStarting(() =>
                {
                    SecurityHeaders.Apply(context.Response);
                    return Task.CompletedTask;
                });
            }

            return next(context);
        });
        app.UseMiddleware<ApiWriteGuard>();
        app.MapGet(ConsolePath + "/site.css", () => Results.Text(ConsoleStyle.Css, "text/css; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        app.UseConsoleSession();
        app.MapRazorPages();
        app.MapEstuaryApi();
        app.MapEstuaryManagementApi();
        app.MapEstuaryApprovalApi();
        app.MapOpenApi(OpenApiPrefix + "/{documentName}.json");
        return app;
    }

    /// <summary>Loads stored templates before the server accepts requests.</summary>
    private sealed class TemplateLoader(TemplateService templates) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => templates.LoadAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
