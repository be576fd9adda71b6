using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>Console login: hashed passwords, lockout after repeated failures (see <see cref="AdminUserService"/>).</summary>
public sealed class LoginModel(AdminUserService admins) : PageModel
{
    public string? Error { get; private set; }

    public string Username { get; private set; } = "";

    public string ReturnUrl { get; private set; } = "/admin/";

    public void OnGet(string? returnUrl) => ReturnUrl = SafeReturn(returnUrl);

    public async Task<IActionResult> OnPostAsync(string? username, string? password, string? returnUrl)
    {
        Username = username ?? "";
        ReturnUrl = SafeReturn(returnUrl);
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            Error = "Enter a user name and a password.";
            return Page();
        }

        var remote = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "?";
        var (success, reason) = await admins.LoginAsync(username, password, remote, HttpContext.RequestAborted);
        if (!success)
        {
            Error = reason;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, username)], EstuaryAdminExtensions.CookieScheme);
        await HttpContext.SignInAsync(EstuaryAdminExtensions.CookieScheme, new ClaimsPrincipal(identity));
        return LocalRedirect(ReturnUrl);
    }

    /// <summary>Only paths inside the console: an open redirect would help phishing.</summary>
    private static string SafeReturn(string? url) =>
        url is not null && url.StartsWith("/admin", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal) ? url : "/admin/";
}
