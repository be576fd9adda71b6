using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Estuary.Admin;

/// <summary>The console session cookie: the administrator's name and the security stamp it was issued with.</summary>
internal static class AdminSession
{
    /// <summary>The claim that carries the administrator's security stamp (checked by <see cref="AdminSessionValidator"/>).</summary>
    public const string SecurityStampClaim = "estuary:security-stamp";

    public static Task SignInAsync(HttpContext http, string username, string securityStamp)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, username), new Claim(SecurityStampClaim, securityStamp)], EstuaryAdminExtensions.CookieScheme);
        return http.SignInAsync(EstuaryAdminExtensions.CookieScheme, new ClaimsPrincipal(identity));
    }
}
