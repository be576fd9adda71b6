using Estuary.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>The audit log, newest first, filtered by kind and text.</summary>
public sealed class AuditModel(IManagementStore store) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Events = await store.SearchAuditAsync(new AuditQuery { KindPrefix = Kind, Text = Q, Limit = 500 }, ct);
}
