using Estuary.Ra;
using Estuary.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin.Certificates;

/// <summary>Search issued certificates by subject, SAN, serial, label, requester, status and expiry.</summary>
public sealed class IndexModel(IManagementStore store, LabelRegistry labels, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Label { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Requester { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? ExpiresWithinDays { get; set; }

    public IReadOnlyList<string> Labels { get; private set; } = [];

    public IReadOnlyList<CertificateSummary> Results { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        Labels = labels.Labels.Order(StringComparer.Ordinal).ToList();
        var status = Status is "valid" or "expired" or "revoked" ? Status : null;
        var records = await store.SearchCertificatesAsync(
            new CertificateQuery
            {
                Text = Q,
                Label = string.IsNullOrEmpty(Label) ? null : Label == RaOptions.DefaultLabel ? "" : Label,
                RequestedBy = Requester,
                Status = status,
                ExpiresBefore = ExpiresWithinDays is > 0 and < 100_000 ? now.AddDays(ExpiresWithinDays.Value) : null,
                Now = now,
                Limit = 500,
            },
            ct);
        Results = records.Select(r => CertificateSummary.From(r, now)).ToList();
    }
}
