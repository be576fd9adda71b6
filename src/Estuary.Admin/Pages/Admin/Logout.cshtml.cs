using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>POST-only logout (a GET could be triggered by another site).</summary>
public sealed class LogoutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/admin/");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(EstuaryAdminExtensions.CookieScheme);
        return Redirect("/admin/login");
    }
}
