using Estuary.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>Create (shown once, with a role and a lifetime) and delete REST API keys; the list shows expiry and last use.</summary>
public sealed class ApiKeysModel(ApiKeyService keys, TimeProvider time) : PageModel
{
    public DateTimeOffset Now => time.GetUtcNow();

    public IReadOnlyList<ApiKeyRecord> Keys { get; private set; } = [];

    public string? NewKey { get; private set; }

    public string? Problem { get; private set; }

    public async Task OnGetAsync() => Keys = await keys.ListAsync(HttpContext.RequestAborted);

    public async Task OnPostCreateAsync(string? name, string? role, int? days)
    {
        (NewKey, _, Problem) = await keys.CreateAsync(name ?? "", role, days, AdminActor.Of(User), HttpContext.RequestAborted);
        Keys = await keys.ListAsync(HttpContext.RequestAborted);
    }

    public async Task OnPostDeleteAsync(string id)
    {
        await keys.DeleteAsync(id, AdminActor.Of(User), HttpContext.RequestAborted);
        Keys = await keys.ListAsync(HttpContext.RequestAborted);
    }
}
