using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>
/// Console login: hashed passwords, lockout after repeated failures (see <see cref="AdminUserService"/>), and a
/// rate limit per client address (<see cref="AdminLoginRateLimiter"/>).
/// </summary>
public sealed class LoginModel(AdminUserService admins, AdminLoginRateLimiter limiter) : PageModel
{
    public string? Error { get; private set; }

    public string Username { get; private set; } = "";

    public string ReturnUrl { get; private set; } = "/admin/";

    public void OnGet(string? returnUrl) => ReturnUrl = SafeReturn(returnUrl);

    public async Task<IActionResult> OnPostAsync(string? username, string? password, string? returnUrl)
    {
        var remote = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "?";
        if (await limiter.TryAcquireAsync(remote, HttpContext.RequestAborted) is { } retryAfter)
        {
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return new ContentResult
            {
                StatusCode = StatusCodes.Status429TooManyRequests,
                ContentType = "text/plain; charset=utf-8",
                Content = "too many login attempts from this address; retry after the Retry-After delay (seconds)",
            };
        }

        Username = username ?? "";
        ReturnUrl = SafeReturn(returnUrl);
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            Error = "Enter a user name and a password.";
            return Page();
        }

        var login = await admins.LoginAsync(username, password, remote, HttpContext.RequestAborted);
        if (!login.Success)
        {
            Error = login.Reason;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await AdminSession.SignInAsync(HttpContext, username, login.SecurityStamp);
        return LocalRedirect(ReturnUrl);
    }

    /// <summary>Only paths inside the console: an open redirect would help phishing.</summary>
    private static string SafeReturn(string? url) =>
        url is not null && url.StartsWith("/admin", StringComparison.Ordinal) && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal) ? url : "/admin/";
}
