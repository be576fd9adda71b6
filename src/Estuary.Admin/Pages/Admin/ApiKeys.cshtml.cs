using Estuary.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>
/// Create (the key shown once, after the redirect, with a role and a lifetime) and delete REST API keys; the list
/// shows expiry and last use. Delete asks first, since scripts using the key fail at once. Every POST redirects
/// (post/redirect/get).
/// </summary>
public sealed class ApiKeysModel(ApiKeyService keys, TimeProvider time) : PageModel
{
    public DateTimeOffset Now => time.GetUtcNow();

    public IReadOnlyList<ApiKeyRecord> Keys { get; private set; } = [];

    public ConsoleFlash? Flash { get; private set; }

    public Confirmation? Confirmation { get; private set; }

    public async Task OnGetAsync(string? confirm, string? id)
    {
        Flash = ConsoleFlash.Take(TempData);
        Keys = await keys.ListAsync(HttpContext.RequestAborted);
        if (confirm == "delete" && id is not null)
        {
            if (Keys.FirstOrDefault(k => k.Id == id) is { } key)
            {
                Confirmation = new Confirmation(
                    $"Delete API key '{key.Name}' ({key.Id})?",
                    "Scripts that use it get 401 from their next request. This cannot be undone.",
                    "delete",
                    "Delete key",
                    Request.Path)
                {
                    Fields = new Dictionary<string, string> { ["id"] = id },
                };
            }
            else
            {
                Flash = ConsoleFlash.Failed($"no API key with id '{id}'");
            }
        }
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? role, int? days)
    {
        var (key, _, problem) = await keys.CreateAsync(name ?? "", role, days, AdminActor.Of(User), HttpContext.RequestAborted);
        return Done(key is null
            ? ConsoleFlash.Failed(problem ?? "not created", new Dictionary<string, string> { ["name"] = name ?? "", ["role"] = role ?? "", ["days"] = days?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "" })
            : new ConsoleFlash { Message = $"API key '{name?.Trim()}' created.", Secret = new OneTimeSecret("key", "New key", key) });
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id) =>
        Done(await keys.DeleteAsync(id, AdminActor.Of(User), HttpContext.RequestAborted)
            ? ConsoleFlash.Done($"API key {id} deleted.")
            : ConsoleFlash.Failed($"no API key with id '{id}'"));

    private SeeOtherResult Done(ConsoleFlash flash)
    {
        flash.Store(TempData);
        return new SeeOtherResult(Request.Path);
    }
}
