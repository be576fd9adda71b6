using Estuary.Ca;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>The CA chain: subjects, validity, keys and SHA-256 fingerprints (to compare with what devices trust).</summary>
public sealed class CaModel(CaMaterial material, TimeProvider time) : PageModel
{
    public IReadOnlyList<CaCertificateSummary> Chain { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    public void OnGet()
    {
        Now = time.GetUtcNow();
        Chain = CaOverview.Describe(material);
    }
}
