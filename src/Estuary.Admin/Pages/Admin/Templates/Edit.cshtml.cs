using Estuary.Ra;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin.Templates;

/// <summary>Create or edit a template; every problem the compiler finds is shown, nothing is saved until it compiles.</summary>
public sealed class EditModel(TemplateService templates) : PageModel
{
    [BindProperty]
    public TemplateForm Form { get; set; } = new();

    public bool IsNew { get; private set; } = true;

    public IReadOnlyList<string> Problems { get; private set; } = [];

    public static IReadOnlyCollection<string> Adapters => TemplateService.Adapters;

    public IReadOnlyCollection<string> AdapterNames => templates.AdapterNames;

    public IActionResult OnGet(string? name)
    {
        if (name is null)
        {
            Form = TemplateForm.From(new TemplateDefinition());
            return Page();
        }

        if (templates.Find(name) is not { } existing)
        {
            return NotFound();
        }

        IsNew = false;
        Form = TemplateForm.From(existing.Definition);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(bool isNew)
    {
        IsNew = isNew;
        var definition = Form.ToDefinition();
        Problems = await templates.SaveAsync(definition, isNew, AdminActor.Of(User), HttpContext.RequestAborted);
        if (Problems.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        return Redirect("/admin/templates?saved=" + Uri.EscapeDataString(definition.Name));
    }
}
