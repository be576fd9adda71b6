using Estuary.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>
/// Console administrators: create (a chosen password with a strength check, or a generated one shown once),
/// disable/enable (not yourself, never the last one), role, new password. Disabling and a new password ask first:
/// both end that administrator's sessions. Every change is audited; every POST redirects (post/redirect/get).
/// </summary>
public sealed class AdminsModel(AdminUserService admins, TimeProvider time) : PageModel
{
    public IReadOnlyList<AdminUser> Admins { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public ConsoleFlash? Flash { get; private set; }

    public Confirmation? Confirmation { get; private set; }

    public string Self => User.Identity?.Name ?? "";

    public async Task OnGetAsync(string? confirm, string? username)
    {
        Flash = ConsoleFlash.Take(TempData);
        Now = time.GetUtcNow();
        Admins = await admins.ListAsync(HttpContext.RequestAborted);
        if (confirm is null || username is null)
        {
            return;
        }

        if (Admins.All(a => a.Username != username))
        {
            Flash = ConsoleFlash.Failed($"no administrator named '{username}'");
        }
        else if (confirm == "disable")
        {
            Confirmation = new Confirmation(
                $"Disable administrator '{username}'?",
                "They cannot log in any more, and their open sessions end at their next click. You can enable them again.",
                "enabled",
                "Disable administrator",
                Request.Path)
            {
                Fields = new Dictionary<string, string> { ["username"] = username, ["enabled"] = "false" },
            };
        }
        else if (confirm == "reset")
        {
            Confirmation = new Confirmation(
                $"Set a new password for administrator '{username}'?",
                username == Self
                    ? "Your current password stops working and your sessions in other browsers end; this one stays logged in."
                    : "Their current password stops working, a lockout is lifted, and their open sessions end at once.",
                "reset",
                "Set password",
                Request.Path)
            {
                Fields = new Dictionary<string, string> { ["username"] = username },
                Input = new ConfirmationInput("password", "New password (empty: generate one and show it once)", Required: false, Password: true, MaxLength: 1024),
            };
        }
    }

    public async Task<IActionResult> OnPostCreateAsync(string? username, string? password, string? role)
    {
        var (created, problem) = AdminRoles.TryParse(role, out var parsed)
            ? await admins.CreateAsync(username ?? "", password, parsed, AdminActor.Of(User), HttpContext.RequestAborted)
            : (null, $"role must be one of {string.Join(", ", AdminRoles.Names)}");
        if (created is null)
        {
            // The typed user name is kept; a typed password never leaves this request.
            return Done(ConsoleFlash.Failed(problem ?? "not created", new Dictionary<string, string> { ["username"] = username ?? "" }));
        }

        // A chosen password is not echoed back; a generated one is shown this once.
        return Done(new ConsoleFlash
        {
            Message = $"Administrator '{username?.Trim()}' created.",
            Secret = string.IsNullOrEmpty(password) ? new OneTimeSecret("password", $"Password for '{username?.Trim()}'", created) : null,
        });
    }

    public async Task<IActionResult> OnPostEnabledAsync(string username, bool enabled) =>
        Done(await admins.SetEnabledAsync(username, enabled, AdminActor.Of(User), Self, HttpContext.RequestAborted) is { } problem
            ? ConsoleFlash.Failed(problem)
            : ConsoleFlash.Done($"Administrator '{username}' {(enabled ? "enabled" : "disabled")}."));

    public async Task<IActionResult> OnPostRoleAsync(string username, string? role) =>
        Done(await admins.SetRoleAsync(username, role ?? "", AdminActor.Of(User), HttpContext.RequestAborted) is { } problem
            ? ConsoleFlash.Failed(problem)
            : ConsoleFlash.Done($"Administrator '{username}' has the role {role}."));

    public async Task<IActionResult> OnPostResetAsync(string username, string? password)
    {
        var (reset, problem) = await admins.ResetPasswordAsync(username, password, AdminActor.Of(User), HttpContext.RequestAborted);
        if (reset is null)
        {
            return Done(ConsoleFlash.Failed(problem ?? "no new password"));
        }

        // The reset ended every session of that administrator; one resetting their own password keeps this one.
        if (string.Equals(username, Self, StringComparison.Ordinal) && await admins.FindAsync(username, HttpContext.RequestAborted) is { } self)
        {
            await AdminSession.SignInAsync(HttpContext, username, self.SecurityStamp);
        }

        return Done(new ConsoleFlash
        {
            Message = $"Administrator '{username}' has a new password.",
            Secret = string.IsNullOrEmpty(password) ? new OneTimeSecret("password", $"Password for '{username}'", reset) : null,
        });
    }

    private SeeOtherResult Done(ConsoleFlash flash)
    {
        flash.Store(TempData);
        return new SeeOtherResult(Request.Path);
    }
}
