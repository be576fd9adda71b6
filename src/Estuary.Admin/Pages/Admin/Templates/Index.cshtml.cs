using Estuary.Ra;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin.Templates;

/// <summary>Templates in force, plus the read-only labels configuration declares; delete when unused.</summary>
public sealed class IndexModel(TemplateService templates, LabelRegistry labels) : PageModel
{
    public IReadOnlyList<ManagedTemplate> Templates { get; private set; } = [];

    public IReadOnlyList<string> ConfigurationLabels { get; private set; } = [];

    public string? Message { get; private set; }

    public bool IsError { get; private set; }

    public static string Who(TemplateDefinition t)
    {
        var parts = new List<string>();
        if (t.AllowedAccounts.Count > 0)
        {
            parts.Add("accounts " + string.Join(", ", t.AllowedAccounts));
        }

        if (t.AllowedGroups.Count > 0)
        {
            parts.Add("groups " + string.Join(", ", t.AllowedGroups));
        }

        if (t.AllowedCertificateLabels.Count > 0)
        {
            parts.Add("certificates of labels " + string.Join(", ", t.AllowedCertificateLabels));
        }

        if (t.AllowedCertificateSubjects.Count > 0)
        {
            parts.Add("certificates " + string.Join("; ", t.AllowedCertificateSubjects));
        }

        return parts.Count == 0 ? "any authenticated client" : string.Join("; ", parts);
    }

    public void OnGet(string? saved)
    {
        Load();
        if (saved is not null)
        {
            Message = $"Template '{saved}' saved; it is in force now.";
        }
    }

    public async Task<IActionResult> OnPostDeleteAsync(string name)
    {
        var problem = await templates.DeleteAsync(name, AdminActor.Of(User), HttpContext.RequestAborted);
        Load();
        Message = problem ?? $"Template '{name}' deleted.";
        IsError = problem is not null;
        if (problem is not null)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
        }

        return Page();
    }

    private void Load()
    {
        Templates = templates.Templates;
        ConfigurationLabels = labels.StaticLabels.Where(labels.IsFromConfiguration).Order(StringComparer.Ordinal).ToList();
    }
}
