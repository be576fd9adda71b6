using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;

namespace Estuary.Admin;

/// <summary>
/// Checks on every console request that the signed-in administrator still exists, is enabled, and still has the
/// security stamp the session was issued with, so that disabling someone, resetting their password or their
/// logout ends every open session at once (on every node: the check reads the shared store). A cookie is
/// signed and encrypted, but a copy of it stays valid until it expires unless the server can revoke it. The
/// administrator's current role is kept for the request (<see cref="AdminAccess"/>).
/// </summary>
internal static class AdminSessionValidator
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var name = context.Principal?.Identity?.Name;
        var stamp = context.Principal?.FindFirst(AdminSession.SecurityStampClaim)?.Value;
        var admins = context.HttpContext.RequestServices.GetRequiredService<AdminUserService>();
        if (name is null || await admins.FindSessionAdminAsync(name, stamp, context.HttpContext.RequestAborted) is not { } admin)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(EstuaryAdminExtensions.CookieScheme);
            return;
        }

        // The role as stored now, not as it was at sign-in: a changed role applies from the next request.
        AdminAccess.SetRole(context.HttpContext, admin.Role);
    }
}
