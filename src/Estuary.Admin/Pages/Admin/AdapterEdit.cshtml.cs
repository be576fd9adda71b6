using Estuary.Ra;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>
/// Create or edit an upstream EST adapter. Every problem is shown at once, beside its field and in the form's
/// words; nothing is saved until it validates. The POST always redirects (post/redirect/get); a typed password
/// is never carried over the redirect.
/// </summary>
public sealed class AdapterEditModel(AdapterService adapters) : PageModel
{
    /// <summary>The words on the form for each property of <see cref="AdapterDefinition"/>.</summary>
    public static FormFields Fields { get; } = new(
        new("Name", "Name", "an adapter named", "no adapter named", "adapter '"),
        new("Kind", "Kind"),
        new("Description", "Description"),
        new("BaseUrl", "Upstream EST server"),
        new("Label", "Upstream CA label"),
        new("TrustAnchorPem", "Root CA certificate", "trust anchor"),
        new("TrustAnchorFingerprint", "Root CA fingerprint"),
        new("Username", "User name", "credentials"),
        new("Password", "Password"),
        new("ClientCertificatePath", "Client certificate file"),
        new("ClientKeyPath", "Client key file"),
        new("TimeoutSeconds", "Timeout (seconds)"),
        new("CaCertsRefreshMinutes", "/cacerts refresh (minutes)"));

    [BindProperty]
    public AdapterDefinition Form { get; set; } = new();

    public bool IsNew { get; private set; } = true;

    public bool HasPassword { get; private set; }

    public FieldProblems Problems { get; private set; } = new();

    public IActionResult OnGet(string? name)
    {
        IsNew = name is null;
        HasPassword = name is not null && adapters.Find(name) is { HasPassword: true };
        if (FormState<AdapterDefinition>.Take(TempData, Request.Path) is { } failed)
        {
            Form = failed.Form;
            Problems = failed.Problems;
            return Page();
        }

        if (name is null)
        {
            return Page();
        }

        if (adapters.Find(name) is not { FromConfiguration: false } existing)
        {
            return NotFound();
        }

        Form = AdapterService.WithoutSecrets(existing.Definition);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(bool isNew)
    {
        // A number field left empty does not bind; say so in the form's words instead of saving a default.
        var numbers = new[] { nameof(AdapterDefinition.TimeoutSeconds), nameof(AdapterDefinition.CaCertsRefreshMinutes) }
            .Where(p => ModelState.TryGetValue("Form." + p, out var entry) && entry.Errors.Count > 0)
            .Select(p => $"{p}: enter a whole number")
            .ToList();
        var problems = numbers.Count > 0 ? numbers : await adapters.SaveAsync(Form, isNew, AdminActor.Of(User), HttpContext.RequestAborted);
        if (problems.Count > 0)
        {
            Form.Password = null;
            Form.ProtectedPassword = null;
            new FormState<AdapterDefinition>(Request.Path, Form, Fields.Place(problems)).Store(TempData);
            return new SeeOtherResult(Request.Path);
        }

        ConsoleFlash.Done($"Adapter '{Form.Name}' saved; it is in force now.").Store(TempData);
        return new SeeOtherResult("/admin/adapters");
    }
}
