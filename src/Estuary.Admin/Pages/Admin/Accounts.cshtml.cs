using Estuary.Ra;
using Estuary.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>
/// EST accounts: create (password shown once), enable/disable (at once: reversible), groups, and a new
/// password, which asks first because the old one stops working. Every POST redirects (post/redirect/get).
/// </summary>
public sealed class AccountsModel(AccountService accounts) : PageModel
{
    public IReadOnlyList<(EstAccount Account, IReadOnlyList<string> Groups)> Accounts { get; private set; } = [];

    public ConsoleFlash? Flash { get; private set; }

    public Confirmation? Confirmation { get; private set; }

    public async Task OnGetAsync(string? confirm, string? username)
    {
        Flash = ConsoleFlash.Take(TempData);
        Accounts = await accounts.ListAsync(HttpContext.RequestAborted);
        if (confirm == "reset" && username is not null)
        {
            if (Accounts.Any(a => a.Account.Username == username))
            {
                Confirmation = new Confirmation(
                    $"Give account '{username}' a new password?",
                    "Its current password stops working at once: devices that use it fail until they are given the new one, which is shown once.",
                    "reset",
                    "New password",
                    Request.Path)
                {
                    Fields = new Dictionary<string, string> { ["username"] = username },
                };
            }
            else
            {
                Flash = ConsoleFlash.Failed($"no account named '{username}'");
            }
        }
    }

    public async Task<IActionResult> OnPostCreateAsync(string? username, string? groups)
    {
        var (password, problem) = await accounts.CreateAsync(username ?? "", Split(groups), AdminActor.Of(User), HttpContext.RequestAborted);
        return Done(problem is null
            ? new ConsoleFlash { Message = $"Account '{username?.Trim()}' created.", Secret = new OneTimeSecret("password", $"Password for '{username?.Trim()}'", password!) }
            : ConsoleFlash.Failed(problem, new Dictionary<string, string> { ["username"] = username ?? "", ["groups"] = groups ?? "" }));
    }

    public async Task<IActionResult> OnPostEnabledAsync(string username, bool enabled) =>
        Done(await accounts.SetEnabledAsync(username, enabled, AdminActor.Of(User), HttpContext.RequestAborted)
            ? ConsoleFlash.Done($"Account '{username}' {(enabled ? "enabled" : "disabled")}.")
            : ConsoleFlash.Failed($"no account named '{username}'"));

    public async Task<IActionResult> OnPostGroupsAsync(string username, string? groups) =>
        Done(await accounts.SetGroupsAsync(username, Split(groups), AdminActor.Of(User), HttpContext.RequestAborted) is { } problem
            ? ConsoleFlash.Failed(problem)
            : ConsoleFlash.Done($"Groups of '{username}' saved."));

    public async Task<IActionResult> OnPostResetAsync(string username) =>
        Done(await accounts.ResetPasswordAsync(username, AdminActor.Of(User), HttpContext.RequestAborted) is { } password
            ? new ConsoleFlash { Message = $"Account '{username}' has a new password.", Secret = new OneTimeSecret("password", $"Password for '{username}'", password) }
            : ConsoleFlash.Failed($"no account named '{username}'"));

    private SeeOtherResult Done(ConsoleFlash flash)
    {
        flash.Store(TempData);
        return new SeeOtherResult(Request.Path);
    }

    private static string[] Split(string? text) => (text ?? "").Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
