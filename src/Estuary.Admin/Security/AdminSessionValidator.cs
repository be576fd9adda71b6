using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;

namespace Estuary.Admin;

/// <summary>
/// Checks on every console request that the signed-in administrator still exists and is enabled, so that
/// disabling someone ends their open sessions at once (on every node: the check reads the shared store).
/// </summary>
internal static class AdminSessionValidator
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var name = context.Principal?.Identity?.Name;
        var admins = context.HttpContext.RequestServices.GetRequiredService<AdminUserService>();
        if (name is null || !await admins.IsActiveAsync(name, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(EstuaryAdminExtensions.CookieScheme);
        }
    }
}
