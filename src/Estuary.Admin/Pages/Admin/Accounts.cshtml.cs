using Estuary.Ra;
using Estuary.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>EST accounts: create (password shown once), enable/disable (at once), groups, new password.</summary>
public sealed class AccountsModel(AccountService accounts) : PageModel
{
    public IReadOnlyList<(EstAccount Account, IReadOnlyList<string> Groups)> Accounts { get; private set; } = [];

    public string? NewPassword { get; private set; }

    public string? NewPasswordUser { get; private set; }

    public string? Problem { get; private set; }

    public string? Message { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task OnPostCreateAsync(string? username, string? groups)
    {
        var (password, problem) = await accounts.CreateAsync(username ?? "", Split(groups), AdminActor.Of(User), HttpContext.RequestAborted);
        Fail(problem);
        NewPassword = password;
        NewPasswordUser = username?.Trim();
        await LoadAsync();
    }

    public async Task OnPostEnabledAsync(string username, bool enabled)
    {
        Fail(await accounts.SetEnabledAsync(username, enabled, AdminActor.Of(User), HttpContext.RequestAborted) ? null : $"no account named '{username}'");
        Message = Problem is null ? $"Account '{username}' {(enabled ? "enabled" : "disabled")}." : null;
        await LoadAsync();
    }

    public async Task OnPostGroupsAsync(string username, string? groups)
    {
        Fail(await accounts.SetGroupsAsync(username, Split(groups), AdminActor.Of(User), HttpContext.RequestAborted));
        Message = Problem is null ? $"Groups of '{username}' saved." : null;
        await LoadAsync();
    }

    public async Task OnPostResetAsync(string username)
    {
        NewPassword = await accounts.ResetPasswordAsync(username, AdminActor.Of(User), HttpContext.RequestAborted);
        NewPasswordUser = username;
        Fail(NewPassword is null ? $"no account named '{username}'" : null);
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

    private async Task LoadAsync() => Accounts = await accounts.ListAsync(HttpContext.RequestAborted);

    private static string[] Split(string? text) => (text ?? "").Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
