using Estuary.Ra;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin.Templates;

/// <summary>
/// Create or edit a template. Every problem is shown at once, beside its field and in the form's words, with
/// what was typed kept; nothing is saved until the template compiles. The POST always redirects (post/redirect/get).
/// </summary>
public sealed class EditModel(TemplateService templates) : PageModel
{
    [BindProperty]
    public TemplateForm Form { get; set; } = new();

    public bool IsNew { get; private set; } = true;

    public FieldProblems Problems { get; private set; } = new();

    public IReadOnlyCollection<string> AdapterNames => templates.AdapterNames;

    /// <summary>The hierarchies to choose from: "default" (the main CA) first, then Estuary:Ca:Hierarchies.</summary>
    public IReadOnlyList<string> HierarchyNames => [Ca.CaHierarchies.Main, .. templates.HierarchyNames];

    public IActionResult OnGet(string? name)
    {
        IsNew = name is null;
        if (FormState<TemplateForm>.Take(TempData, Request.Path) is { } failed)
        {
            Form = failed.Form;
            Problems = failed.Problems;
            return Page();
        }

        if (name is null)
        {
            Form = TemplateForm.From(new TemplateDefinition());
            return Page();
        }

        if (templates.Find(name) is not { } existing)
        {
            return NotFound();
        }

        Form = TemplateForm.From(existing.Definition);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(bool isNew)
    {
        var (definition, formProblems) = Form.ToDefinition();
        // A number that is not one saves nothing; the compiler still checks the rest, so every mistake shows at once.
        var problems = formProblems.Count > 0
            ? [.. formProblems, .. TemplateCompiler.Compile(definition, templates.AdapterNames, templates.HierarchyNames).Problems]
            : await templates.SaveAsync(definition, isNew, AdminActor.Of(User), HttpContext.RequestAborted);
        if (problems.Count > 0)
        {
            new FormState<TemplateForm>(Request.Path, Form, TemplateForm.Fields.Place(problems)).Store(TempData);
            return new SeeOtherResult(Request.Path);
        }

        ConsoleFlash.Done($"Template '{definition.Name}' saved; it is in force now.").Store(TempData);
        return new SeeOtherResult("/admin/templates");
    }
}
