using Estuary.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>
/// Console administrators: create (a chosen password with a strength check, or a generated one shown once),
/// disable/enable (not yourself, never the last one), role, new password. Every change is audited.
/// </summary>
public sealed class AdminsModel(AdminUserService admins, TimeProvider time) : PageModel
{
    public IReadOnlyList<AdminUser> Admins { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public string? NewPassword { get; private set; }

    public string? NewPasswordUser { get; private set; }

    public string? Problem { get; private set; }

    public string? Message { get; private set; }

    public string Self => User.Identity?.Name ?? "";

    public async Task OnGetAsync() => await LoadAsync();

    public async Task OnPostCreateAsync(string? username, string? password, string? role)
    {
        var (created, problem) = AdminRoles.TryParse(role, out var parsed)
            ? await admins.CreateAsync(username ?? "", password, parsed, AdminActor.Of(User), HttpContext.RequestAborted)
            : (null, $"role must be one of {string.Join(", ", AdminRoles.Names)}");
        Fail(problem);
        if (created is not null)
        {
            // A chosen password is not echoed back; a generated one is shown this once.
            NewPassword = string.IsNullOrEmpty(password) ? created : null;
            NewPasswordUser = username?.Trim();
            Message = $"Administrator '{username?.Trim()}' created.";
        }

        await LoadAsync();
    }

    public async Task OnPostEnabledAsync(string username, bool enabled)
    {
        Fail(await admins.SetEnabledAsync(username, enabled, AdminActor.Of(User), Self, HttpContext.RequestAborted));
        Message = Problem is null ? $"Administrator '{username}' {(enabled ? "enabled" : "disabled")}." : null;
        await LoadAsync();
    }

    public async Task OnPostRoleAsync(string username, string? role)
    {
        Fail(await admins.SetRoleAsync(username, role ?? "", AdminActor.Of(User), HttpContext.RequestAborted));
        Message = Problem is null ? $"Administrator '{username}' has the role {role}." : null;
        await LoadAsync();
    }

    public async Task OnPostResetAsync(string username, string? password)
    {
        var (reset, problem) = await admins.ResetPasswordAsync(username, password, AdminActor.Of(User), HttpContext.RequestAborted);
        Fail(problem);
        if (reset is not null)
        {
            // The reset ended every session of that administrator; one resetting their own password keeps this one.
            if (string.Equals(username, Self, StringComparison.Ordinal) && await admins.FindAsync(username, HttpContext.RequestAborted) is { } self)
            {
                await AdminSession.SignInAsync(HttpContext, username, self.SecurityStamp);
            }

            NewPassword = string.IsNullOrEmpty(password) ? reset : null;
            NewPasswordUser = username;
            Message = $"Administrator '{username}' has a new password.";
        }

        await LoadAsync();
    }

    private void Fail(string? problem)
    {
        Problem = problem;
        if (problem is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }

    private async Task LoadAsync()
    {
        Now = time.GetUtcNow();
        Admins = await admins.ListAsync(HttpContext.RequestAborted);
    }
}
