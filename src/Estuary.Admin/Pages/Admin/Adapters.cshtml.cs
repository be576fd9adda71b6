using Estuary.Ca;
using Estuary.Ra;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>
/// The adapters templates can use: the built-in CA and upstream EST adapters (delete here, asking first;
/// create and edit on AdapterEdit). Every POST redirects (post/redirect/get).
/// </summary>
public sealed class AdaptersModel(CaMaterial material, AdapterService adapters) : PageModel
{
    public IReadOnlyList<AdapterView> Adapters { get; private set; } = [];

    public ConsoleFlash? Flash { get; private set; }

    public Confirmation? Confirmation { get; private set; }

    public void OnGet(string? confirm, string? name)
    {
        Flash = ConsoleFlash.Take(TempData);
        Adapters = AdapterApiEndpoints.All(adapters, material);
        if (confirm == "delete" && name is not null)
        {
            if (Adapters.FirstOrDefault(a => a.Name == name && a.Source == "managed") is { } adapter)
            {
                Confirmation = new Confirmation(
                    $"Delete adapter '{name}' ({adapter.BaseUrl})?",
                    "Its settings and stored credentials are deleted; templates can no longer issue through it. This cannot be undone.",
                    "delete",
                    "Delete adapter",
                    Request.Path)
                {
                    Fields = new Dictionary<string, string> { ["name"] = name },
                };
            }
            else
            {
                Flash = ConsoleFlash.Failed($"no adapter named '{name}' that the console manages");
            }
        }
    }

    public async Task<IActionResult> OnPostDeleteAsync(string name)
    {
        var problem = await adapters.DeleteAsync(name, AdminActor.Of(User), HttpContext.RequestAborted);
        (problem is null ? ConsoleFlash.Done($"Adapter '{name}' deleted.") : ConsoleFlash.Failed(problem)).Store(TempData);
        return new SeeOtherResult(Request.Path);
    }
}
