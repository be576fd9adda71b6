using Estuary.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>Create (shown once) and delete REST API keys.</summary>
public sealed class ApiKeysModel(ApiKeyService keys) : PageModel
{
    public IReadOnlyList<ApiKeyRecord> Keys { get; private set; } = [];

    public string? NewKey { get; private set; }

    public string? Problem { get; private set; }

    public async Task OnGetAsync() => Keys = await keys.ListAsync(HttpContext.RequestAborted);

    public async Task OnPostCreateAsync(string? name, string? scope)
    {
        (NewKey, Problem) = await keys.CreateAsync(name ?? "", scope ?? "", AdminActor.Of(User), HttpContext.RequestAborted);
        Keys = await keys.ListAsync(HttpContext.RequestAborted);
    }

    public async Task OnPostDeleteAsync(string id)
    {
        await keys.DeleteAsync(id, AdminActor.Of(User), HttpContext.RequestAborted);
        Keys = await keys.ListAsync(HttpContext.RequestAborted);
    }
}
