using Estuary.Ca;
using Estuary.Ra;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>The adapters templates can use; today the built-in CA.</summary>
public sealed class AdaptersModel(CaMaterial material, TemplateService templates) : PageModel
{
    public IReadOnlyList<AdapterSummary> Adapters { get; private set; } = [];

    public IEnumerable<string> UsedBy(string adapter) =>
        templates.Templates.Where(t => t.Definition.Adapter == adapter).Select(t => t.Definition.Name);

    public void OnGet() => Adapters = ApiEndpoints.Adapters(material);
}
