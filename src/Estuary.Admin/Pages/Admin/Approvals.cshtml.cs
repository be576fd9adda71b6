using Estuary.Ra;
using Estuary.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>
/// The approval queue (RFC 7030 §4.2.3): enrollments held by a label or template that requires approval.
/// Approve lets the client's next repeat collect the certificate; Reject needs a reason, which the client
/// is shown with its 403. The decision is the RA's <see cref="ApprovalQueue"/>, audited there.
/// </summary>
public sealed class ApprovalsModel(ApprovalQueue queue) : PageModel
{
    public IReadOnlyList<PendingRequest> Pending { get; private set; } = [];

    public IReadOnlyList<PendingRequest> Decided { get; private set; } = [];

    public string? Problem { get; private set; }

    public string? Message { get; private set; }

    public bool IsExpired(PendingRequest request) => queue.IsExpired(request);

    /// <summary>The SANs and key type of the stored request: what approving it will issue.</summary>
    public static HeldRequestDetails Details(PendingRequest request) => HeldRequestDetails.Of(request);

    public async Task OnGetAsync() => await LoadAsync();

    public async Task OnPostApproveAsync(long id)
    {
        Show(await queue.ApproveAsync(id, AdminActor.Of(User), HttpContext.RequestAborted), "approved: the client's next repeat gets the certificate");
        await LoadAsync();
    }

    public async Task OnPostRejectAsync(long id, string? reason)
    {
        Show(await queue.RejectAsync(id, AdminActor.Of(User), reason ?? "", HttpContext.RequestAborted), "rejected");
        await LoadAsync();
    }

    private void Show(EstResult<PendingRequest> result, string what)
    {
        if (result.Error is { } error)
        {
            Problem = error.Message;
            Response.StatusCode = error.Kind == EstErrorKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest;
        }
        else
        {
            Message = $"Request {result.Value!.Id} for '{result.Value.Subject}' {what}.";
        }
    }

    private async Task LoadAsync()
    {
        Pending = await queue.ListAsync(PendingRequestStatus.Pending, 500, HttpContext.RequestAborted);
        Decided = (await queue.ListAsync(null, 100, HttpContext.RequestAborted)).Where(r => r.Status != PendingRequestStatus.Pending).Take(25).ToList();
    }
}
