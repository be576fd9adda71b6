using Estuary.Ca;
using Estuary.Ra;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>The adapters templates can use: the built-in CA and upstream EST adapters (delete here, create and edit on AdapterEdit).</summary>
public sealed class AdaptersModel(CaMaterial material, AdapterService adapters) : PageModel
{
    public IReadOnlyList<AdapterView> Adapters { get; private set; } = [];

    public string? Message { get; private set; }

    public bool IsError { get; private set; }

    public void OnGet(string? saved)
    {
        Message = saved is null ? null : $"Adapter '{saved}' saved; it is in force now.";
        Adapters = AdapterApiEndpoints.All(adapters, material);
    }

    public async Task OnPostDeleteAsync(string name)
    {
        var problem = await adapters.DeleteAsync(name, AdminActor.Of(User), HttpContext.RequestAborted);
        IsError = problem is not null;
        Message = problem ?? $"Adapter '{name}' deleted.";
        if (IsError)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        Adapters = AdapterApiEndpoints.All(adapters, material);
    }
}
