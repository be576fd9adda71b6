using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>
/// POST-only logout (a GET could be triggered by another site). It ends every session of this administrator,
/// not only this browser's: a new security stamp makes any copy of the cookie worthless.
/// </summary>
public sealed class LogoutModel(AdminUserService admins) : PageModel
{
    public IActionResult OnGet() => Redirect("/admin/");

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Identity?.Name is { } name)
        {
            await admins.LogoutAsync(name, HttpContext.Connection.RemoteIpAddress?.ToString() ?? "?", HttpContext.RequestAborted);
        }

        // Whatever a POST left to show once (a new password) is not for whoever logs in next in this browser.
        HttpContext.Session.Clear();
        await HttpContext.SignOutAsync(EstuaryAdminExtensions.CookieScheme);
        return Redirect("/admin/login");
    }
}
