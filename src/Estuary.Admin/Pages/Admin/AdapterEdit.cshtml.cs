using Estuary.Ra;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>Create or edit an upstream EST adapter; every problem is shown and nothing is saved until it validates.</summary>
public sealed class AdapterEditModel(AdapterService adapters) : PageModel
{
    [BindProperty]
    public AdapterDefinition Form { get; set; } = new();

    public bool IsNew { get; private set; } = true;

    public bool HasPassword { get; private set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public IActionResult OnGet(string? name)
    {
        if (name is null)
        {
            return Page();
        }

        if (adapters.Find(name) is not { FromConfiguration: false } existing)
        {
            return NotFound();
        }

        IsNew = false;
        HasPassword = existing.HasPassword;
        Form = AdapterService.WithoutSecrets(existing.Definition);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(bool isNew)
    {
        IsNew = isNew;
        HasPassword = !isNew && adapters.Find(Form.Name) is { HasPassword: true };
        Problems = await adapters.SaveAsync(Form, isNew, AdminActor.Of(User), HttpContext.RequestAborted);
        if (Problems.Count > 0)
        {
            Form.Password = null;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        return Redirect("/admin/adapters?saved=" + Uri.EscapeDataString(Form.Name));
    }
}
