using Estuary.Ra;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin.Templates;

/// <summary>
/// Templates in force, plus the read-only labels configuration declares (and the built-in default when nothing
/// else serves it); delete asks first and only acts on the confirming POST.
/// </summary>
public sealed class IndexModel(TemplateService templates, LabelRegistry labels) : PageModel
{
    public IReadOnlyList<ManagedTemplate> Templates { get; private set; } = [];

    /// <summary>Labels no template serves: declared in configuration, or the built-in default.</summary>
    public IReadOnlyList<(Profile Profile, bool FromConfiguration)> StaticLabels { get; private set; } = [];

    public ConsoleFlash? Flash { get; private set; }

    public Confirmation? Confirmation { get; private set; }

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

    /// <summary>What a label's profile lets a CSR name, for the read-only rows.</summary>
    public static string Names(Profile profile) =>
        profile.SanTypes.Count == 0 ? "subject only" : "SAN types " + string.Join(", ", profile.SanTypes.Select(t => t.ToString()).Order(StringComparer.Ordinal));

    public void OnGet(string? confirm, string? name)
    {
        Flash = ConsoleFlash.Take(TempData);
        Templates = templates.Templates;
        StaticLabels = labels.StaticLabels.Order(StringComparer.Ordinal)
            .Select(l => (labels.FindStatic(l)!, labels.IsFromConfiguration(l)))
            .ToList();
        if (confirm == "delete" && name is not null)
        {
            if (templates.Find(name) is { } template)
            {
                Confirmation = new Confirmation(
                    $"Delete template '{name}'?",
                    $"Its labels ({string.Join(", ", template.Definition.Labels)}) stop serving enrollments at once. This cannot be undone.",
                    "delete",
                    "Delete template",
                    Request.Path)
                {
                    Fields = new Dictionary<string, string> { ["name"] = name },
                };
            }
            else
            {
                Flash = ConsoleFlash.Failed($"no template named '{name}'");
            }
        }
    }

    public async Task<IActionResult> OnPostDeleteAsync(string name)
    {
        var problem = await templates.DeleteAsync(name, AdminActor.Of(User), HttpContext.RequestAborted);
        (problem is null ? ConsoleFlash.Done($"Template '{name}' deleted.") : ConsoleFlash.Failed(problem)).Store(TempData);
        return new SeeOtherResult(Request.Path);
    }
}
